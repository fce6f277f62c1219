import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { ConsumerName } from '../../functions/shared/events/topology';
import type { FunctionSpec } from '../config/functions';
import { EventConsumer } from '../constructs/event-consumer';
import { OnnxRuntimeLayer } from '../constructs/onnxruntime-layer';
import type { ServiceFunction } from '../constructs/service-function';
import type { DataStack } from './data-stack';
import { buildFunction, type FunctionDeps } from './function-factory';
import type { MessagingStack } from './messaging-stack';
import { alarmTopicArn, plainRemovalPolicy, type RamPayStackProps } from './names';

export interface ServicesStackProps extends RamPayStackProps {
  data: DataStack;
  messaging: MessagingStack;
  /** The scheduled and consumer rows of the function table whose handlers exist. */
  functions: FunctionSpec[];
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

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { config } = props;
    const needsOnnx = props.functions.some((f) => f.onnx);
    const deps: FunctionDeps = {
      config,
      database: props.data.access,
      topics: props.messaging.topics,
      onnxLayer: needsOnnx
        ? new OnnxRuntimeLayer(this, 'OnnxRuntime', { removalPolicy: plainRemovalPolicy(config) }).layer
        : undefined,
    };

    // By its fixed ARN: the alarm topic lives in the observability stack, which depends on this one.
    const alarmAction = new actions.SnsAction(
      sns.Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn(this, config)),
    );

    const mail = props.functions.some((f) => f.capabilities?.includes('ses-send'))
      ? this.mailResources(props)
      : undefined;

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
        const sendsMail = Boolean(mail && spec.capabilities?.includes('ses-send'));
        const fn = buildFunction(
          this,
          spec,
          { memoryMb: settings.memoryMb, timeoutSeconds: settings.consumerTimeoutSeconds },
          deps,
          {
            environment:
              mail && sendsMail
                ? {
                    RECIPIENT_HASH_SECRET_ARN: mail.recipientHashKey.secretArn,
                    // A claim on a notification outlives one attempt (the timeout) and ends before SQS
                    // redelivers the message (the visibility timeout, at least 6x the timeout).
                    NOTIFICATION_LEASE_SECONDS: String(2 * settings.consumerTimeoutSeconds),
                  }
                : undefined,
          },
        );
        if (mail && sendsMail) mail.recipientHashKey.grantRead(fn.function);
        this.functions[spec.id] = fn;
        this.consumers[trigger.consumer] = new EventConsumer(this, `${spec.id}Events`, {
          consumer: trigger.consumer,
          topics: props.messaging.topics,
          handler: fn.function,
          consumerTimeout: Duration.seconds(settings.consumerTimeoutSeconds),
          settings,
          encryptionKey: props.messaging.queueKey,
          namePrefix: `rampay-${config.name}`,
          alarmActions: [alarmAction],
          removalPolicy: plainRemovalPolicy(config),
        });
      }
    }
  }

  /**
   * What sending mail needs besides the grant: the SES configuration set and identity named in the config
   * (the identity is verified through the DNS records or the link SES sends), and the key of the HMAC that
   * lets the audit log find a recipient without storing the address.
   */
  private mailResources(props: ServicesStackProps): { recipientHashKey: secretsmanager.Secret } {
    const { notifications } = props.config;
    const configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      configurationSetName: notifications.configurationSetName,
    });
    new ses.EmailIdentity(this, 'MailIdentity', {
      identity: notifications.senderIdentity.includes('@')
        ? ses.Identity.email(notifications.senderIdentity)
        : ses.Identity.domain(notifications.senderIdentity),
      configurationSet,
    });
    const recipientHashKey = new secretsmanager.Secret(this, 'RecipientHashKey', {
      secretName: `rampay/${props.config.name}/recipient-hash-key`,
      description: 'Key of the HMAC the notification audit log stores instead of recipient addresses',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: plainRemovalPolicy(props.config),
    });
    Validations.of(recipientHashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A pseudonymisation key, not a credential: rotating it would orphan every recipient hash already in the audit log.',
    });
    return { recipientHashKey };
  }
}
