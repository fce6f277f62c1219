import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TOPIC_NAMES, type TopicName } from '../../../functions/shared/events/topology';
import { SnsTracingPolicy } from '../constructs/active-tracing';
import { plainRemovalPolicy, type RamPayStackProps } from './names';

/**
 * The event backbone's topics (one per TOPICS entry of the topology table), encrypted with a customer managed
 * key and refusing plain-HTTP publishes. The consumer queues live beside their consumers in the services stack
 * (the queue, its event source mapping and the consumer's grants must share a stack to avoid a dependency
 * cycle); they are encrypted with this stack's queue key.
 */
export class MessagingStack extends Stack {
  /** Encrypts the topics. */
  readonly key: kms.Key;
  /**
   * Encrypts the consumer queues and DLQs. A key of their own: each subscription grants SNS the use of the
   * queue key for its topic only (a policy naming the topic), which with a shared key would make the key
   * depend on the topics that depend on it.
   */
  readonly queueKey: kms.Key;
  readonly topics: Record<TopicName, sns.Topic>;
  /** Wraps the data key of each merchant's webhook signing secret (functions/webhooks). */
  readonly webhookSecretsKey: kms.Key;

  constructor(scope: Construct, id: string, props: RamPayStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.key = new kms.Key(this, 'EventsKey', {
      alias: `alias/rampay-${config.name}-events`,
      description: 'RamPay event topics and consumer queues',
      enableKeyRotation: true,
      removalPolicy: plainRemovalPolicy(config),
      pendingWindow: Duration.days(config.removalPolicy === 'destroy' ? 7 : 30),
    });

    this.queueKey = new kms.Key(this, 'QueuesKey', {
      alias: `alias/rampay-${config.name}-queues`,
      description: 'RamPay consumer queues and DLQs',
      enableKeyRotation: true,
      removalPolicy: plainRemovalPolicy(config),
      pendingWindow: Duration.days(config.removalPolicy === 'destroy' ? 7 : 30),
    });

    this.webhookSecretsKey = new kms.Key(this, 'WebhookSecretsKey', {
      alias: `alias/rampay-${config.name}-webhook-secrets`,
      description: "RamPay merchants' webhook signing secrets (envelope encryption)",
      enableKeyRotation: true,
      removalPolicy: plainRemovalPolicy(config),
      pendingWindow: Duration.days(config.removalPolicy === 'destroy' ? 7 : 30),
    });

    this.topics = Object.fromEntries(
      TOPIC_NAMES.map((name) => {
        const topic = new sns.Topic(this, `${name[0]?.toUpperCase()}${name.slice(1)}Topic`, {
          topicName: `rampay-${config.name}-${name}`,
          displayName: `RamPay ${config.name} ${name} events`,
          masterKey: this.key,
          enforceSSL: true,
          // Traces go on from the publisher through SNS to the consumer queues.
          tracingConfig: sns.TracingConfig.ACTIVE,
        });
        new CfnOutput(this, `${name}TopicArn`, { value: topic.topicArn });
        return [name, topic];
      }),
    ) as Record<TopicName, sns.Topic>;
    new SnsTracingPolicy(this, 'SnsTracing', { environment: config.name });
  }
}
