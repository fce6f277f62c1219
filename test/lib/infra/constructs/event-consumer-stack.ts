import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  CONSUMER_NAMES,
  TOPIC_NAMES,
  type ConsumerName,
  type TopicName,
} from '../../../../functions/shared/events/topology';
import { EventConsumer } from '../../../../lib/infra/constructs/event-consumer';
import type { ConsumerQueueSettings } from '../../../../lib/infra/constructs/event-consumer-settings';

export const TEST_SETTINGS: ConsumerQueueSettings = {
  maxReceiveCount: 5,
  batchSize: 10,
  maxBatchingWindowSeconds: 2,
  visibilityTimeoutSeconds: 180,
  maxConcurrency: 5,
  retentionDays: 4,
};

/** A stack with the topics of the table and one EventConsumer per consumer, as the services stack builds them. */
export function synthConsumers(
  settings: Partial<Record<ConsumerName, ConsumerQueueSettings>> = {},
  app = new App(),
) {
  const stack = new Stack(app, 'Consumers');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const topics = Object.fromEntries(
    TOPIC_NAMES.map((name) => [
      name,
      new sns.Topic(stack, `${name}Topic`, {
        topicName: `rampay-test-${name}`,
        masterKey: key,
        enforceSSL: true,
      }),
    ]),
  ) as Record<TopicName, sns.Topic>;
  const consumers = Object.fromEntries(
    CONSUMER_NAMES.map((consumer) => {
      const handler = new lambda.Function(stack, `${consumer}Fn`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
        timeout: Duration.seconds(30),
      });
      const logGroup = new logs.LogGroup(stack, `${consumer}Logs`, {
        retention: logs.RetentionDays.ONE_WEEK,
      });
      return [
        consumer,
        new EventConsumer(stack, `${consumer}Consumer`, {
          consumer,
          topics,
          handler,
          logGroup,
          settings: settings[consumer] ?? TEST_SETTINGS,
          encryptionKey: key,
          namePrefix: 'rampay-test',
        }),
      ];
    }),
  ) as Record<ConsumerName, EventConsumer>;
  return { stack, consumers, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown> };

export interface TopologyRow {
  topic: string;
  consumer: string;
  filterPolicy: unknown;
  raw: boolean;
  maxReceiveCount: number;
}

/** The subscriptions a synthesized template declares, by topic and consumer name, with their queue's redrive. */
export function templateTopology(template: Template, prefix = 'rampay-test'): TopologyRow[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const topicOf = new Map<string, string>();
  const queueOf = new Map<string, { consumer: string; maxReceiveCount: number }>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::SNS::Topic')
      topicOf.set(id, String(r.Properties.TopicName).replace(`${prefix}-`, ''));
    if (r.Type === 'AWS::SQS::Queue' && r.Properties.RedrivePolicy) {
      const redrive = r.Properties.RedrivePolicy as { maxReceiveCount: number };
      queueOf.set(id, {
        consumer: String(r.Properties.QueueName).replace(`${prefix}-`, ''),
        maxReceiveCount: redrive.maxReceiveCount,
      });
    }
  }
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::SNS::Subscription')
    .map((r) => {
      const topicRef = (r.Properties.TopicArn as { Ref: string }).Ref;
      const queueRef = (r.Properties.Endpoint as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const queue = queueOf.get(queueRef)!;
      return {
        topic: topicOf.get(topicRef)!,
        consumer: queue.consumer,
        filterPolicy: r.Properties.FilterPolicy,
        raw: r.Properties.RawMessageDelivery === true,
        maxReceiveCount: queue.maxReceiveCount,
      };
    })
    .sort(byTopicAndConsumer);
}

export function byTopicAndConsumer(a: TopologyRow, b: TopologyRow): number {
  return `${a.topic}/${a.consumer}`.localeCompare(`${b.topic}/${b.consumer}`);
}
