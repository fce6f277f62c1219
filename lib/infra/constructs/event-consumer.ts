/**
 * One event consumer's plumbing: its queue and DLQ (KMS-encrypted, TLS only), its SNS subscriptions (raw
 * delivery, filter policy on the eventType attribute, both from the topology table) with a dead-letter queue
 * for what SNS cannot deliver, the Lambda event source mapping reporting partial batch failures, an alarm on
 * each DLQ, and the stack outputs the DLQ CLI reads (the queues, and the function's log group, where it reads why a
 * message failed).
 */
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  subscriptionsOf,
  type ConsumerName,
  type TopicName,
} from '../../../functions/shared/events/topology';
import {
  assertValidSettings,
  DLQ_RETENTION_DAYS,
  outputKeys,
  queueNames,
  type ConsumerQueueSettings,
} from './event-consumer-settings';

export type { ConsumerQueueSettings } from './event-consumer-settings';

export interface EventConsumerProps {
  /** Which consumer of the topology table (functions/shared/events/topology.ts) this is. */
  consumer: ConsumerName;
  /** Every topic of the table; the construct subscribes to those carrying the consumer's events. */
  topics: Readonly<Record<TopicName, sns.ITopic>>;
  /** The consumer function (a handler made with consumerHandler from functions/shared/consumer). */
  handler: lambda.IFunction;
  /** The consumer function's log group: the DLQ CLI reads each failure's reason there (`npm run dlq -- peek`). */
  logGroup?: logs.ILogGroup;
  /**
   * The function's timeout, for the visibility-timeout rule; defaults to the handler's own `timeout` when it is
   * a lambda.Function, else Lambda's default of 3 s.
   */
  consumerTimeout?: Duration;
  settings: ConsumerQueueSettings;
  /** Encrypts both queues (the topics' key, so SNS can deliver). */
  encryptionKey: kms.IKey;
  /** Physical names `<prefix>-<consumer>` and `<prefix>-<consumer>-dlq`, e.g. `rampay-dev`; generated when absent. */
  namePrefix?: string;
  /** Where the DLQ alarm goes (e.g. the alarm topic). */
  alarmActions?: cloudwatch.IAlarmAction[];
  /** For both queues; default RETAIN (a DLQ holds messages an operator has yet to look at). */
  removalPolicy?: RemovalPolicy;
}

export class EventConsumer extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly eventSource: SqsEventSource;
  readonly dlqAlarm: cloudwatch.Alarm;
  /** Messages SNS could not deliver to the queue (a key or policy that refuses it): kept here, not lost. */
  readonly subscriptionDeadLetterQueue: sqs.Queue;
  readonly subscriptionDlqAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    const { consumer, settings } = props;
    const timeout =
      props.consumerTimeout ??
      (props.handler instanceof lambda.Function ? props.handler.timeout : undefined) ??
      Duration.seconds(3);
    assertValidSettings(consumer, settings, timeout.toSeconds());

    const names = props.namePrefix ? queueNames(props.namePrefix, consumer) : undefined;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const encryption = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      removalPolicy,
    };

    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      ...encryption,
      queueName: names?.dlq,
      retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encryption,
      queueName: names?.queue,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(settings.retentionDays ?? 4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    });

    this.subscriptionDeadLetterQueue = new sqs.Queue(this, 'SubscriptionDlq', {
      ...encryption,
      retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
    });
    Validations.of(this.subscriptionDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the SNS subscriptions; it has no consumer to fail.',
    });
    for (const { topic, events } of subscriptionsOf(consumer)) {
      props.topics[topic].addSubscription(
        new SqsSubscription(this.queue, {
          rawMessageDelivery: true,
          filterPolicy: { eventType: sns.SubscriptionFilter.stringFilter({ allowlist: events }) },
          deadLetterQueue: this.subscriptionDeadLetterQueue,
        }),
      );
    }

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: settings.batchSize,
      maxBatchingWindow:
        settings.maxBatchingWindowSeconds > 0
          ? Duration.seconds(settings.maxBatchingWindowSeconds)
          : undefined,
      maxConcurrency: settings.maxConcurrency,
      reportBatchItemFailures: true,
    });
    props.handler.addEventSource(this.eventSource);

    /** Alarms on any message in `queue`, to the configured actions. */
    const anyMessageAlarm = (id: string, queue: sqs.IQueue, alarmDescription: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      for (const action of props.alarmActions ?? []) alarm.addAlarmAction(action);
      return alarm;
    };
    this.dlqAlarm = anyMessageAlarm(
      'DlqAlarm',
      this.deadLetterQueue,
      `Messages in the ${consumer} DLQ: events the ${consumer} consumer failed ${settings.maxReceiveCount} ` +
        `times. Inspect with \`npm run dlq -- peek ${consumer}\`, fix, then \`npm run dlq -- replay ${consumer}\`.`,
    );
    this.subscriptionDlqAlarm = anyMessageAlarm(
      'SubscriptionDlqAlarm',
      this.subscriptionDeadLetterQueue,
      `Events SNS could not deliver to the ${consumer} queue (its key policy or queue policy refused them). ` +
        'Fix the policy, then send the messages of the subscription DLQ to the queue again.',
    );

    // Fixed output keys (not hashed logical ids) so that `npm run dlq` finds them in the stack.
    const keys = outputKeys(consumer);
    const outputs: [string, string][] = [
      [keys.queueUrl, this.queue.queueUrl],
      [keys.queueArn, this.queue.queueArn],
      [keys.dlqUrl, this.deadLetterQueue.queueUrl],
      [keys.dlqArn, this.deadLetterQueue.queueArn],
      ...(props.logGroup ? [[keys.logGroup, props.logGroup.logGroupName] as [string, string]] : []),
    ];
    for (const [key, value] of outputs) new CfnOutput(this, key, { value }).overrideLogicalId(key);
  }
}
