import { Logger } from '@aws-lambda-powertools/logger';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { EVENT_TYPES, type EventType } from '../../../functions/domain/events';
import { defineConsumer } from '../../../functions/shared/consumer/consumer';
import { wasProcessed } from '../../../functions/shared/consumer/inbox';
import { consumerHandler } from '../../../functions/shared/consumer/runtime';
import { CONSUMER_NAMES, CONSUMERS, type ConsumerName } from '../../../functions/shared/events/topology';
import { startLocalMessaging, type LocalMessaging } from '../../../lib/local/messaging';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { eventOfType, paymentCreated } from '../../functions/shared/consumer/fixtures';
import { waitFor } from './wait';

const quiet = new Logger({ logLevel: 'SILENT' });
const FAST = { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 };

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await db.sql`create table test_effects (event_id text not null, consumer text not null)`;
});
afterAll(async () => db?.stop());

let messaging: LocalMessaging | undefined;
afterEach(async () => {
  await messaging?.stop();
  messaging = undefined;
});

async function start(): Promise<LocalMessaging> {
  messaging = await startLocalMessaging({
    settings: { fraud: FAST, notifications: FAST, analytics: FAST },
    waitTimeSeconds: 1,
    onError: () => undefined,
  });
  return messaging;
}

async function drain(m: LocalMessaging, consumer: ConsumerName): Promise<EventType[]> {
  const types: EventType[] = [];
  for (;;) {
    const response = await m.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: m.queues[consumer].url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (!response.Messages?.length) return types.sort();
    types.push(...response.Messages.map((msg) => (JSON.parse(msg.Body!) as { type: EventType }).type));
  }
}

function effectsConsumer(name: ConsumerName, failFor = new Set<string>()) {
  const seen: string[] = [];
  const consumer = defineConsumer({
    name,
    handles: CONSUMERS[name].events,
    handle: async (event, ctx) => {
      seen.push(event.id);
      await ctx.tx`insert into test_effects (event_id, consumer) values (${event.id}, ${name})`;
      if (failFor.has(event.id)) throw new Error('boom');
    },
  });
  const handler = consumerHandler(consumer, {
    sql: () => db.sql,
    publisher: () => messaging!.publisher,
    logger: quiet,
  });
  const batches: SQSEvent[] = [];
  return {
    seen,
    batches,
    handler: (event: SQSEvent) => {
      batches.push(event);
      return handler(event);
    },
  };
}

async function effects(eventId: string): Promise<number> {
  const rows = await db.sql`select 1 from test_effects where event_id = ${eventId}`;
  return rows.length;
}

describe('local SNS/SQS', () => {
  it('delivers each event type to exactly the queues the topology table subscribes to it', async () => {
    const m = await start();
    const result = await m.publisher.publish(EVENT_TYPES.map((type) => eventOfType(type)));
    expect(result.failed).toEqual([]);
    for (const consumer of CONSUMER_NAMES) {
      expect(await drain(m, consumer)).toEqual(
        [...(CONSUMERS[consumer].events as readonly EventType[])].sort(),
      );
    }
    // The same, spelled out for PaymentCreated.
    await m.publisher.publish([paymentCreated()]);
    const depths = await m.depths();
    expect(Object.fromEntries(depths.map((d) => [d.consumer, d.queue.visible]))).toEqual({
      fraud: 1,
      notifications: 1,
      analytics: 1,
      webhooks: 1,
    });
  });

  it('a consumer throwing for one record of a batch of 10 fails only that record, which ends in the DLQ', async () => {
    const m = await start();
    const events = Array.from({ length: 10 }, () => paymentCreated());
    const bad = events[3]!;
    await m.publisher.publish(events);
    const fraud = effectsConsumer('fraud', new Set([bad.id]));
    m.consume('fraud', fraud.handler);

    await waitFor(async () => (await m.depths()).find((d) => d.consumer === 'fraud')!.dlq.visible === 1);
    expect(fraud.batches[0]!.Records).toHaveLength(10);
    for (const event of events) {
      expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(event.id !== bad.id);
      expect(await effects(event.id)).toBe(event.id === bad.id ? 0 : 1);
    }
    // Tried maxReceiveCount times, then moved.
    expect(fraud.seen.filter((id) => id === bad.id)).toHaveLength(FAST.maxReceiveCount);
    const status = (await m.depths()).find((d) => d.consumer === 'fraud')!;
    expect(status.queue).toMatchObject({ visible: 0, inFlight: 0 });
    expect(status.dlq.oldestAgeSeconds).not.toBeNull();
    expect(m.pollerStats().fraud).toMatchObject({ succeeded: 9, failed: FAST.maxReceiveCount });
  });

  it('a malformed message is never dropped: it reaches the DLQ after maxReceiveCount deliveries', async () => {
    const m = await start();
    await m.sqs.send(
      new SendMessageCommand({ QueueUrl: m.queues.analytics.url, MessageBody: '{"not":"an event"}' }),
    );
    const analytics = effectsConsumer('analytics');
    m.consume('analytics', analytics.handler);
    await waitFor(async () => (await m.depths()).find((d) => d.consumer === 'analytics')!.dlq.visible === 1);
    const deliveries = analytics.batches
      .flatMap((b) => b.Records)
      .map((r) => r.attributes.ApproximateReceiveCount);
    expect(deliveries).toEqual(['1', '2']);
    expect(analytics.seen).toEqual([]);
  });

  it('a duplicated delivery changes nothing', async () => {
    const m = await start();
    const event = paymentCreated();
    await m.publisher.publish([event]);
    await m.publisher.publish([event]);
    const notifications = effectsConsumer('notifications');
    m.consume('notifications', notifications.handler);
    await waitFor(async () => m.pollerStats().notifications!.succeeded === 2);
    expect(notifications.seen).toEqual([event.id]);
    expect(await effects(event.id)).toBe(1);
    const status = (await m.depths()).find((d) => d.consumer === 'notifications')!;
    expect(status.queue).toMatchObject({ visible: 0, inFlight: 0 });
    expect(status.dlq.visible).toBe(0);
  });

  it('describes the queues for GET /local/queues and hands out env for the shared publisher', async () => {
    const m = await start();
    const report = await m.describe();
    expect(report.endpoint).toBe(m.endpoint);
    expect(report.queues.map((q) => q.dlq.name).sort()).toEqual([
      'rampay-local-analytics-dlq',
      'rampay-local-fraud-dlq',
      'rampay-local-notifications-dlq',
      'rampay-local-webhooks-dlq',
    ]);
    expect(m.env).toMatchObject({
      AWS_ENDPOINT_URL_SNS: m.endpoint,
      AWS_ENDPOINT_URL_SQS: m.endpoint,
      PAYMENTS_TOPIC_ARN: m.topicArns.payments,
      FRAUD_TOPIC_ARN: m.topicArns.fraud,
    });
  });
});
