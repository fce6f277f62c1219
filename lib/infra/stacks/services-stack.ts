import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { ConsumerName } from '../../../functions/shared/events/topology';
import type { FunctionSpec } from '../config/functions';
import { EventConsumer } from '../constructs/event-consumer';
import { NotificationsResources } from '../constructs/notifications-resources';
import { OnnxRuntimeLayer } from '../constructs/onnxruntime-layer';
import { OperatorPolicy, type OperatorPolicyProps } from '../constructs/operator-policy';
import type { ServiceFunction } from '../constructs/service-function';
import type { DataStack } from './data-stack';
import type { ConcurrencyPlan } from '../config/concurrency';
import { buildFunction, type FunctionDeps } from './function-factory';
import type { MessagingStack } from './messaging-stack';
import { alarmTopicArn, plainRemovalPolicy, type RamPayStackProps } from './names';

export interface ServicesStackProps extends RamPayStackProps {
  data: DataStack;
  messaging: MessagingStack;
  /** The scheduled and consumer rows of the function table whose handlers exist. */
  functions: FunctionSpec[];
  concurrency: ConcurrencyPlan;
}

/**
 * The functions nobody calls over HTTP: the outbox relay on an EventBridge schedule, and one consumer per entry
 * of the topology table's CONSUMERS, each wired by the EventConsumer construct (queue + DLQ encrypted with the
 * queue key, filtered subscriptions, event source mapping with partial batch failures, DLQ alarm to the alarm
 * topic). Queues live here, beside their consumers: the mapping and the consumer's grants reference both.
 */
export class ServicesStack extends Stack {
  readonly functions: Record<string, ServiceFunction> = {};
  readonly consumers: Partial<Record<ConsumerName, EventConsumer>> = {};
  /** `rampay-<env>-operator`: what an operator's role needs for `npm run dlq`. */
  readonly operatorPolicy: iam.ManagedPolicy;
  /** SES identity, configuration set and recipient-hash key, when the notifications consumer is there. */
  readonly notifications?: NotificationsResources;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { config } = props;
    const needsOnnx = props.functions.some((f) => f.onnx);
    const deps: FunctionDeps = {
      config,
      database: props.data.access,
      topics: props.messaging.topics,
      concurrency: props.concurrency,
      webhookSecretsKey: props.messaging.webhookSecretsKey,
      onnxLayer: needsOnnx
        ? new OnnxRuntimeLayer(this, 'OnnxRuntime', { removalPolicy: plainRemovalPolicy(config) }).layer
        : undefined,
    };

    // By its fixed ARN: the alarm topic lives in the observability stack, which depends on this one.
    const alarmAction = new actions.SnsAction(
      sns.Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn(this, config)),
    );

    const notifier = props.functions.find(
      (f) => f.capabilities?.includes('notify') && f.trigger.kind === 'consumer',
    );
    if (notifier?.trigger.kind === 'consumer') {
      const { notifications } = config;
      const settings = config.consumers[notifier.trigger.consumer];
      this.notifications = new NotificationsResources(this, 'Notifications', {
        senderIdentity: notifications.senderIdentity,
        fromAddress: notifications.fromAddress,
        configurationSetName: notifications.configurationSetName,
        fraudOpsAddress: notifications.fraudOpsAddress,
        sandbox: notifications.sandboxRecipients
          ? { verifiedRecipients: notifications.sandboxRecipients }
          : undefined,
        smsSenderId: notifications.smsSenderId,
        consumerTimeoutSeconds: settings.consumerTimeoutSeconds,
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        removalPolicy: plainRemovalPolicy(config),
      });
    }

    const operated: OperatorPolicyProps['consumers'][number][] = [];
    for (const spec of props.functions) {
      const { trigger } = spec;
      if (trigger.kind === 'schedule') {
        const fn = buildFunction(this, spec, config.lambda.scheduled, deps);
        new events.Rule(this, `${spec.id}Schedule`, {
          description: `${spec.description}`,
          schedule: events.Schedule.expression(trigger.expression),
          targets: [
            new targets.LambdaFunction(fn.function, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
          ],
        });
        this.functions[spec.id] = fn;
      } else if (trigger.kind === 'consumer') {
        const settings = config.consumers[trigger.consumer];
        const mail = spec.capabilities?.includes('notify') ? this.notifications : undefined;
        const fn = buildFunction(
          this,
          spec,
          { memoryMb: settings.memoryMb, timeoutSeconds: settings.consumerTimeoutSeconds },
          deps,
          mail ? { environment: mail.environment, copy: [mail.templatesCopy] } : {},
        );
        mail?.grantSend(fn.function);
        this.functions[spec.id] = fn;
        const consumer = new EventConsumer(this, `${spec.id}Events`, {
          consumer: trigger.consumer,
          topics: props.messaging.topics,
          handler: fn.function,
          logGroup: fn.logGroup,
          consumerTimeout: Duration.seconds(settings.consumerTimeoutSeconds),
          settings,
          encryptionKey: props.messaging.queueKey,
          alarmActions: [alarmAction],
          removalPolicy: plainRemovalPolicy(config),
        });
        this.consumers[trigger.consumer] = consumer;
        operated.push({ consumer, logGroup: fn.logGroup });
      }
    }

    // What operators' roles need for `npm run dlq` (attach it to them; it grants nothing by itself).
    this.operatorPolicy = new OperatorPolicy(this, 'Operators', {
      environment: config.name,
      consumers: operated,
      queueKey: props.messaging.queueKey,
    }).policy;

    // Webhook attempts, retries and the sweep send delivery messages to the webhooks queue.
    const webhooksQueue = this.consumers.webhooks?.queue;
    for (const spec of props.functions.filter((f) => f.capabilities?.includes('webhook-queue'))) {
      if (!webhooksQueue) throw new Error(`${spec.id} needs the webhooks queue`);
      const fn = this.functions[spec.id]!;
      fn.function.addEnvironment('WEBHOOKS_QUEUE_URL', webhooksQueue.queueUrl);
      webhooksQueue.grantSendMessages(fn.function);
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*'])
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            'Sending to the KMS-encrypted webhooks queue needs data keys; the grant is on the queue key alone, and ' +
            'the wildcard only spans the variants of one action.',
        });
    }
  }
}
