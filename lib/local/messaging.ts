/**
 * The local SNS/SQS: fauxqs in process, reached by the real @aws-sdk clients through an endpoint override,
 * with the topics, raw-delivery subscriptions (eventType filter policies), queues and DLQs of the topology
 * table, and one poller per consumer queue standing in for Lambda's event source mapping.
 */
import { errorFacts } from '../../functions/shared/error-facts';
import { CreateTopicCommand, SNSClient, SubscribeCommand, type SNSClientConfig } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { tracedClient } from '../../functions/shared/tracing';
import { SnsEventPublisher } from '../../functions/shared/outbox/adapters/sns-event-publisher';
import type { EventPublisher } from '../../functions/shared/outbox/ports';
import {
  CONSUMER_NAMES,
  TOPIC_NAMES,
  topicArnVariable,
  type ConsumerName,
  type TopicName,
} from '../../functions/shared/events/topology';
import {
  assertValidSettings,
  DLQ_RETENTION_DAYS,
  plannedSubscriptions,
  queueNames,
  topicPhysicalName,
  type ConsumerQueueSettings,
} from '../infra/constructs/event-consumer-settings';
import { loadFauxqs, type FauxqsServer } from './fauxqs';
import { SqsPoller, type LocalSqsHandler, type PollerStats } from './sqs-poller';

export type { LocalSqsHandler } from './sqs-poller';

/** Local defaults: short enough that a poison message reaches its DLQ in half a minute. */
export const LOCAL_QUEUE_SETTINGS: ConsumerQueueSettings = {
  maxReceiveCount: 3,
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  visibilityTimeoutSeconds: 10,
  maxConcurrency: 2,
};

export interface LocalMessagingOptions {
  /** Consumers to poll from the start (more can be attached later with `consume`). */
  consumers?: Partial<Record<ConsumerName, LocalSqsHandler>>;
  /** Per-consumer overrides of LOCAL_QUEUE_SETTINGS (e.g. the `local` environment's config). */
  settings?: Partial<Record<ConsumerName, Partial<ConsumerQueueSettings>>>;
  /** Resource name prefix (default `rampay-local`). */
  prefix?: string;
  /** fauxqs port (default 0: any free port). */
  port?: number;
  region?: string;
  /** Parallel poll loops per consumer (default 1), like an event source mapping's concurrency. */
  pollers?: Partial<Record<ConsumerName, number>>;
  /** Long-poll wait of each ReceiveMessage (default 2 s; stop() aborts a wait in progress). */
  waitTimeSeconds?: number;
  /** Where poller errors go (default: console.error). */
  onError?: (consumer: ConsumerName, error: unknown) => void;
}

export interface LocalQueue {
  consumer: ConsumerName;
  name: string;
  url: string;
  arn: string;
  settings: ConsumerQueueSettings;
  dlq: { name: string; url: string; arn: string };
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** One consumer queue and its DLQ, as GET /local/queues shows them. */
export interface LocalQueueStatus {
  consumer: ConsumerName;
  polling: boolean;
  queue: { name: string; url: string; arn: string } & QueueDepth;
  dlq: { name: string; url: string; arn: string; oldestAgeSeconds: number | null } & QueueDepth;
}

/** The body of GET /local/queues: enough for a human, for tests and for `npm run dlq -- --local`. */
export interface LocalQueuesReport {
  endpoint: string;
  region: string;
  queues: LocalQueueStatus[];
}

export interface LocalMessaging {
  /** fauxqs's address, e.g. http://127.0.0.1:40123 */
  endpoint: string;
  region: string;
  /** Config for any SNSClient / SQSClient that should reach the local SNS/SQS. */
  clientConfig: SNSClientConfig & SQSClientConfig;
  /**
   * Environment for code that builds its own clients from the environment (the outbox's sharedPublisher):
   * AWS_ENDPOINT_URL_SNS/SQS, AWS_REGION, dummy credentials, each topic's ARN (PAYMENTS_TOPIC_ARN...).
   */
  env: Record<string, string>;
  sns: SNSClient;
  sqs: SQSClient;
  topicArns: Record<TopicName, string>;
  queues: Record<ConsumerName, LocalQueue>;
  /** The outbox's SNS publisher, pointed at the local topics. */
  publisher: EventPublisher;
  /** Starts polling a consumer's queue with its SQS handler. */
  consume(consumer: ConsumerName, handler: LocalSqsHandler): void;
  /** Batches, succeeded and failed records per polled consumer. */
  pollerStats(): Partial<Record<ConsumerName, PollerStats>>;
  /** Depth of every queue and DLQ. */
  depths(): Promise<LocalQueueStatus[]>;
  /** The GET /local/queues body. */
  describe(): Promise<LocalQueuesReport>;
  /** Stops the pollers (letting batches in hand finish), then fauxqs. */
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalMessaging(options: LocalMessagingOptions = {}): Promise<LocalMessaging> {
  const prefix = options.prefix ?? 'rampay-local';
  const region = options.region ?? 'us-east-1';
  const { startFauxqs } = await loadFauxqs();
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, defaultRegion: region });
  const clientConfig = { endpoint: server.address, region, credentials: CREDENTIALS };
  const sns = tracedClient(new SNSClient(clientConfig));
  const sqs = new SQSClient(clientConfig);
  try {
    const topicArns = {} as Record<TopicName, string>;
    for (const topic of TOPIC_NAMES) {
      const created = await sns.send(new CreateTopicCommand({ Name: topicPhysicalName(prefix, topic) }));
      topicArns[topic] = created.TopicArn!;
    }
    const queues = {} as Record<ConsumerName, LocalQueue>;
    for (const consumer of CONSUMER_NAMES) {
      const settings = { ...LOCAL_QUEUE_SETTINGS, ...options.settings?.[consumer] };
      assertValidSettings(consumer, settings);
      queues[consumer] = await createQueuePair(sqs, prefix, consumer, settings);
    }
    for (const subscription of plannedSubscriptions()) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArns[subscription.topic],
          Protocol: 'sqs',
          Endpoint: queues[subscription.consumer].arn,
          Attributes: {
            RawMessageDelivery: String(subscription.rawMessageDelivery),
            FilterPolicyScope: 'MessageAttributes',
            FilterPolicy: JSON.stringify(subscription.filterPolicy),
          },
        }),
      );
    }

    const pollers = new Map<ConsumerName, SqsPoller>();
    const onError =
      options.onError ??
      ((consumer: ConsumerName, error: unknown) =>
        console.error(`[local sqs] ${consumer}:`, JSON.stringify(errorFacts(error))));
    const consume = (consumer: ConsumerName, handler: LocalSqsHandler): void => {
      if (pollers.has(consumer)) throw new Error(`consumer ${consumer} is already polled`);
      const queue = queues[consumer];
      const poller = new SqsPoller({
        sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        region,
        handler,
        functionName: `${prefix}-${consumer}`,
        batchSize: queue.settings.batchSize,
        maxBatchingWindowSeconds: queue.settings.maxBatchingWindowSeconds,
        waitTimeSeconds: options.waitTimeSeconds ?? 2,
        concurrency: options.pollers?.[consumer] ?? 1,
        onError: (error) => onError(consumer, error),
      });
      pollers.set(consumer, poller.start());
    };
    for (const [consumer, handler] of Object.entries(options.consumers ?? {})) {
      if (handler) consume(consumer as ConsumerName, handler);
    }

    const depths = async (): Promise<LocalQueueStatus[]> =>
      Promise.all(
        CONSUMER_NAMES.map(async (consumer) => {
          const q = queues[consumer];
          const [main, dlq] = await Promise.all([depthOf(sqs, q.url), depthOf(sqs, q.dlq.url)]);
          return {
            consumer,
            polling: pollers.has(consumer),
            queue: { name: q.name, url: q.url, arn: q.arn, ...main },
            dlq: { ...q.dlq, ...dlq, oldestAgeSeconds: oldestAgeSeconds(server, q.dlq.name) },
          };
        }),
      );

    let stopped = false;
    return {
      endpoint: server.address,
      region,
      clientConfig,
      env: {
        AWS_ENDPOINT_URL_SNS: server.address,
        AWS_ENDPOINT_URL_SQS: server.address,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        ...Object.fromEntries(TOPIC_NAMES.map((topic) => [topicArnVariable(topic), topicArns[topic]])),
      },
      sns,
      sqs,
      topicArns,
      queues,
      publisher: new SnsEventPublisher(sns, topicArns),
      consume,
      pollerStats: () =>
        Object.fromEntries([...pollers].map(([name, poller]) => [name, { ...poller.stats }])),
      depths,
      describe: async () => ({ endpoint: server.address, region, queues: await depths() }),
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.all([...pollers.values()].map((poller) => poller.stop()));
        sns.destroy();
        sqs.destroy();
        await server.stop();
      },
    };
  } catch (error) {
    sns.destroy();
    sqs.destroy();
    await server.stop();
    throw error;
  }
}

async function createQueuePair(
  sqs: SQSClient,
  prefix: string,
  consumer: ConsumerName,
  settings: ConsumerQueueSettings,
): Promise<LocalQueue> {
  const names = queueNames(prefix, consumer);
  const dlqUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: names.dlq,
        Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_DAYS * 86_400) },
      }),
    )
  ).QueueUrl!;
  const dlqArn = await arnOf(sqs, dlqUrl);
  const url = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: names.queue,
        Attributes: {
          VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String((settings.retentionDays ?? 4) * 86_400),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: settings.maxReceiveCount,
          }),
        },
      }),
    )
  ).QueueUrl!;
  return {
    consumer,
    name: names.queue,
    url,
    arn: await arnOf(sqs, url),
    settings,
    dlq: { name: names.dlq, url: dlqUrl, arn: dlqArn },
  };
}

async function arnOf(sqs: SQSClient, url: string): Promise<string> {
  const response = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return response.Attributes!.QueueArn!;
}

async function depthOf(sqs: SQSClient, url: string): Promise<QueueDepth> {
  const response = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = response.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** fauxqs keeps each message's first send time; SQS itself only tells this through CloudWatch. */
function oldestAgeSeconds(server: FauxqsServer, queueName: string): number | null {
  const state = server.inspectQueue(queueName);
  if (!state) return null;
  const sent = [
    ...state.messages.ready,
    ...state.messages.delayed,
    ...state.messages.inflight.map((m) => m.message),
  ]
    .map((m) => m.sentTimestamp)
    .filter((t): t is number => typeof t === 'number');
  return sent.length === 0 ? null : Math.max(0, Math.round((Date.now() - Math.min(...sent)) / 1000));
}
