import { CONSUMERS } from '../../../../functions/shared/events/topology';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { defineConsumer, type ConsumerContext } from '../../../../functions/shared/consumer/consumer';
import { consumerHandler, type ConsumerComposition } from '../../../../functions/shared/consumer/runtime';
import { inboxInsert, wasProcessed } from '../../../../functions/shared/consumer/inbox';
import { PAYMENT_EVENT_TYPES, type AnyEventEnvelope } from '../../../../functions/domain/events';
import { outboxWrites } from '../../../../functions/shared/outbox/outbox';
import { onServer, recordingClient, startTestDatabase, type TestDatabase } from '../../../support/database';
import { captureLogLines } from '../../../support/log-lines';
import { paymentApproved, paymentCreated, RecordingPublisher, sqsEvent, sqsRecord } from './fixtures';

const FRAUD = ['PaymentCreated'] as const;
const NOTIFICATIONS = CONSUMERS.notifications.events;

let db: TestDatabase;
let publisher: RecordingPublisher;
let deps: ConsumerComposition;

beforeAll(async () => {
  db = await startTestDatabase();
  await db.sql`create table test_effects (event_id text not null, consumer text not null, note text)`;
});
afterAll(async () => db?.stop());

beforeEach(() => {
  publisher = new RecordingPublisher();
  deps = { sql: () => db.sql, publisher: () => publisher, logger: new Logger({ logLevel: 'SILENT' }) };
});

async function effectsOf(eventId: string): Promise<number> {
  const [row] = await db.sql<
    { n: number }[]
  >`select count(*)::int as n from test_effects where event_id = ${eventId}`;
  return row!.n;
}

/** A consumer that records one effect row per event, optionally failing for chosen event ids. */
function recordingConsumer(
  options: { failFor?: Set<string>; before?: (ctx: ConsumerContext) => Promise<void> } = {},
) {
  const calls: string[] = [];
  const consumer = defineConsumer({
    name: 'notifications',
    handles: NOTIFICATIONS,
    handle: async (event, ctx) => {
      calls.push(event.id);
      await options.before?.(ctx);
      await ctx.tx`insert into test_effects (event_id, consumer) values (${event.id}, 'notifications')`;
      if (options.failFor?.has(event.id)) throw new Error(`boom for ${event.id}`);
    },
  });
  return { consumer, calls };
}

describe('consumer runtime', () => {
  it('processes a valid event once, with its effects and inbox row in one transaction', async () => {
    const { consumer, calls } = recordingConsumer();
    const event = paymentCreated();
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(event)]));
    expect(result.batchItemFailures).toEqual([]);
    expect(calls).toEqual([event.id]);
    expect(await effectsOf(event.id)).toBe(1);
    expect(await wasProcessed(db.sql, 'notifications', event.id)).toBe(true);
  });

  it('a batch of one record runs in its own transaction without a savepoint, and a failure there keeps nothing', async () => {
    const client = recordingClient(db.url);
    try {
      const { consumer } = recordingConsumer({ failFor: new Set() });
      const ok = paymentCreated();
      await consumerHandler(consumer, { ...deps, sql: () => client.sql })(sqsEvent([sqsRecord(ok)]));
      expect(client.statements.filter((s) => /savepoint/i.test(s))).toEqual([]);
      expect(await effectsOf(ok.id)).toBe(1);

      const bad = paymentCreated();
      const { consumer: failing } = recordingConsumer({ failFor: new Set([bad.id]) });
      const result = await consumerHandler(failing, { ...deps, sql: () => client.sql })(
        sqsEvent([sqsRecord(bad)]),
      );
      expect(result.batchItemFailures).toHaveLength(1);
      // The handler had written its effect before throwing: the rollback took it, and the inbox row, away.
      expect(await effectsOf(bad.id)).toBe(0);
      expect(await wasProcessed(db.sql, 'notifications', bad.id)).toBe(false);

      const pair = [paymentCreated(), paymentCreated()];
      await consumerHandler(consumer, { ...deps, sql: () => client.sql })(
        sqsEvent(pair.map((e) => sqsRecord(e))),
      );
      expect(client.statements.filter((s) => /savepoint/i.test(s)).length).toBeGreaterThan(0);
    } finally {
      await client.sql.end();
    }
  });

  it('a duplicated delivery changes nothing', async () => {
    const { consumer, calls } = recordingConsumer();
    const handler = consumerHandler(consumer, deps);
    const event = paymentCreated();
    await handler(sqsEvent([sqsRecord(event)]));
    // A redelivery (new message id, higher receive count) and the same message twice in one batch.
    const again = sqsRecord(event, {
      attributes: { ...sqsRecord(event).attributes, ApproximateReceiveCount: '2' },
    });
    const result = await handler(sqsEvent([again, sqsRecord(event)]));
    expect(result.batchItemFailures).toEqual([]);
    expect(calls).toEqual([event.id]);
    expect(await effectsOf(event.id)).toBe(1);
  });

  it('one record throwing in a batch of 10 fails only that record, and rolls back only its effects', async () => {
    const events = Array.from({ length: 10 }, () => paymentCreated());
    const bad = events[4]!;
    const { consumer } = recordingConsumer({ failFor: new Set([bad.id]) });
    const records = events.map((e) => sqsRecord(e));
    const result = await consumerHandler(consumer, deps)(sqsEvent(records));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[4]!.messageId }]);
    for (const event of events) {
      const ok = event.id !== bad.id;
      expect(await effectsOf(event.id)).toBe(ok ? 1 : 0);
      expect(await wasProcessed(db.sql, 'notifications', event.id)).toBe(ok);
    }
  });

  it('the failed record is processed when it comes back and the consumer is fixed', async () => {
    const failFor = new Set<string>();
    const { consumer, calls } = recordingConsumer({ failFor });
    const handler = consumerHandler(consumer, deps);
    const event = paymentCreated();
    failFor.add(event.id);
    expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toHaveLength(1);
    failFor.clear();
    expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toEqual([]);
    expect(calls).toEqual([event.id, event.id]);
    expect(await effectsOf(event.id)).toBe(1);
  });

  it('fails (never drops) malformed messages, invalid envelopes and events the consumer does not take', async () => {
    const { consumer, calls } = recordingConsumer();
    const invalid = { ...paymentCreated(), occurredAt: 'yesterday' };
    const unknownType = { ...paymentCreated(), type: 'PaymentTeleported' };
    const refunded = { ...paymentApproved(), type: 'PaymentRefunded' }; // a valid type notifications does not take
    const records: SQSRecord[] = [
      sqsRecord('not json {'),
      sqsRecord(JSON.stringify(invalid)),
      sqsRecord(JSON.stringify(unknownType)),
      sqsRecord(JSON.stringify(refunded)),
      sqsRecord(paymentCreated()),
    ];
    const result = await consumerHandler(consumer, deps)(sqsEvent(records));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      records.slice(0, 4).map((r) => r.messageId),
    );
    expect(calls).toHaveLength(1);
  });

  it('reports every record failed (no throw) when the whole batch fails', async () => {
    const { consumer } = recordingConsumer();
    const records = [sqsRecord('x'), sqsRecord('y')];
    const result = await consumerHandler(consumer, deps)(sqsEvent(records));
    expect(result.batchItemFailures).toHaveLength(2);
  });

  it('emitted events are written to the outbox with the incoming correlation id and published after commit', async () => {
    const incoming = paymentCreated('corr-emit');
    let emitted: AnyEventEnvelope | undefined;
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async (event, ctx) => {
        emitted = ctx.event('PaymentApproved', {
          data: { payment: { ...event.data.payment, status: 'approved' }, decidedBy: 'fraud-model' },
        });
        return [emitted];
      },
    });
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(incoming)]));
    expect(result.batchItemFailures).toEqual([]);
    expect(emitted).toMatchObject({
      type: 'PaymentApproved',
      correlationId: 'corr-emit',
      paymentId: incoming.paymentId,
    });
    expect(publisher.published.map((e) => e.id)).toEqual([emitted!.id]);
    const [row] = await db.sql<{ correlation_id: string; published: boolean }[]>`
      select correlation_id, not exists (select 1 from outbox_pending where event_id = id) as published
        from outbox where id = ${emitted!.id}`;
    expect(row).toEqual({ correlation_id: 'corr-emit', published: true });
  });

  it('an emitted event without the incoming correlation id fails the record, and nothing of it is kept or published', async () => {
    const incoming = paymentCreated('corr-prebuilt');
    const prebuilt = paymentApproved('some-other-correlation');
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async () => [prebuilt],
    });
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(incoming)]));
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await db.sql`select 1 from outbox where id = ${prebuilt.id}`).toHaveLength(0);
    expect(publisher.published).toEqual([]);
    expect(await wasProcessed(db.sql, 'fraud', incoming.id)).toBe(false);
    // The same envelope built for the incoming event is emitted.
    const rebuilt = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async (_event, ctx) => [ctx.event('PaymentApproved', { data: prebuilt.data })],
    });
    await consumerHandler(rebuilt, deps)(sqsEvent([sqsRecord(incoming)]));
    expect(publisher.published).toEqual([
      expect.objectContaining({
        type: 'PaymentApproved',
        correlationId: 'corr-prebuilt',
        data: prebuilt.data,
      }),
    ]);
  });

  it('nothing emitted by a failing handler reaches the outbox or SNS', async () => {
    const incoming = paymentCreated();
    let emittedId = '';
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async (event, ctx) => {
        emittedId = ctx.event('PaymentFailed', { data: { payment: event.data.payment, reason: 'x' } }).id;
        throw new Error('after building its event');
      },
    });
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(incoming)]));
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await db.sql`select 1 from outbox where id = ${emittedId}`).toHaveLength(0);
    expect(publisher.published).toEqual([]);
    expect(await wasProcessed(db.sql, 'fraud', incoming.id)).toBe(false);
  });

  it('a failed publish after commit leaves the event to the relay and does not fail the record', async () => {
    publisher.failWith = new Error('SNS is down');
    const incoming = paymentCreated();
    let emittedId = '';
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async (event, ctx) => {
        const failed = ctx.event('PaymentFailed', { data: { payment: event.data.payment, reason: 'x' } });
        emittedId = failed.id;
        return [failed];
      },
    });
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(incoming)]));
    expect(result.batchItemFailures).toEqual([]);
    const [row] = await db.sql<{ published: boolean }[]>`
      select not exists (select 1 from outbox_pending where event_id = id) as published from outbox where id = ${emittedId}`;
    expect(row).toEqual({ published: false });
  });

  it('two concurrent deliveries of one event apply its effects once', async () => {
    const event = paymentCreated();
    let entered = 0;
    const { consumer } = recordingConsumer({
      before: async () => {
        entered += 1;
        await new Promise((resolve) => setTimeout(resolve, 150));
      },
    });
    const handler = consumerHandler(consumer, deps);
    const results = await Promise.all([
      handler(sqsEvent([sqsRecord(event)])),
      handler(sqsEvent([sqsRecord(event)])),
    ]);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(await effectsOf(event.id)).toBe(1);
    // On the server the second delivery waits on the first one's inbox row and then skips the handler; on
    // PGlite (one session) the two transactions cannot overlap at all, which proves less.
    if (onServer) expect(entered).toBe(1);
  });

  it('when the batch commit fails, the batch runs again record by record and only the culprit fails', async () => {
    await db.sql`create table if not exists test_deferred (id int, constraint test_deferred_once unique (id) deferrable initially deferred)`;
    const events = [paymentCreated(), paymentCreated(), paymentCreated()];
    const poisonId = events[1]!.id;
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async (event, ctx) => {
        // Violates a deferred constraint: the statement passes, the COMMIT fails.
        if (event.id === poisonId) await ctx.tx`insert into test_deferred (id) values (1), (1)`;
      },
    });
    const records = events.map((e) => sqsRecord(e));
    const result = await consumerHandler(consumer, deps)(sqsEvent(records));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.messageId }]);
    for (const event of events)
      expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(event.id !== poisonId);
  });

  it('processes the records of a batch in the order received', async () => {
    const order: string[] = [];
    const consumer = defineConsumer({
      name: 'analytics',
      handles: PAYMENT_EVENT_TYPES,
      handle: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, event.id.endsWith('0') ? 5 : 0));
        order.push(event.id);
      },
    });
    const events = Array.from({ length: 10 }, () => paymentCreated());
    await consumerHandler(consumer, deps)(sqsEvent(events.map((e) => sqsRecord(e))));
    expect(order).toEqual(events.map((e) => e.id));
  });

  it('carries the correlation id, event id and SQS message id into every log line', async () => {
    const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    const { lines, restore } = captureLogLines();
    try {
      const consumer = defineConsumer({
        name: 'fraud',
        handles: FRAUD,
        handle: async (_event, ctx) => {
          ctx.logger.info('scoring');
        },
      });
      const event = paymentCreated('corr-logs');
      const record = sqsRecord(event);
      await consumerHandler(consumer, { ...deps, logger })(sqsEvent([record]));
      const scoring = lines.find((l) => l.message === 'scoring');
      expect(scoring).toMatchObject({
        correlationId: 'corr-logs',
        eventId: event.id,
        eventType: 'PaymentCreated',
        messageId: record.messageId,
        consumer: 'fraud',
      });
      const bad = sqsRecord('garbage');
      await consumerHandler(consumer, { ...deps, logger })(sqsEvent([bad]));
      expect(lines.find((l) => l.level === 'ERROR' && l.messageId === bad.messageId)).toBeDefined();
    } finally {
      restore();
    }
  });
});

/**
 * A consumer that records the event in the inbox in its own one statement (writes: 'one-statement'), together
 * with its effect row, and reports the claim unless told not to.
 */
function claimingConsumer(options: { settle?: boolean; emitOnDuplicate?: boolean } = {}) {
  const calls: string[] = [];
  const consumer = defineConsumer({
    name: 'fraud',
    handles: FRAUD,
    writes: 'one-statement',
    handle: async (event, ctx) => {
      calls.push(event.id);
      const [row] = await ctx.tx<{ claimed: boolean }[]>`
        with claim as (${inboxInsert(ctx.tx, ctx.inbox!)}),
             effect as (insert into test_effects (event_id, consumer) select ${event.id}, 'fraud' from claim)
        select exists (select 1 from claim) as claimed`;
      if (options.settle !== false) ctx.inbox!.settle(row!.claimed);
      if (options.emitOnDuplicate && !row!.claimed)
        return [ctx.event('PaymentFailed', { data: { payment: event.data.payment, reason: 'x' } })];
      return [];
    },
  });
  return { consumer, calls };
}

describe("a consumer whose one statement claims its events in the inbox (writes: 'one-statement')", () => {
  it('applies an event once, with no inbox statement of the runtime', async () => {
    const client = recordingClient(db.url);
    try {
      const { consumer, calls } = claimingConsumer();
      const handler = consumerHandler(consumer, { ...deps, sql: () => client.sql });
      const event = paymentCreated();
      expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toEqual([]);
      // A redelivery, and the same message twice in one batch: the handler runs and finds its claim taken.
      expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toEqual([]);
      expect((await handler(sqsEvent([sqsRecord(event), sqsRecord(event)]))).batchItemFailures).toEqual([]);
      expect(calls).toHaveLength(4);
      expect(await effectsOf(event.id)).toBe(1);
      expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(true);
      const inboxStatements = client.statements.filter((s) => s.includes('consumer_inbox'));
      expect(inboxStatements).toHaveLength(4);
      for (const statement of inboxStatements) expect(statement).toContain('test_effects');
    } finally {
      await client.sql.end();
    }
  });

  it("a handler that does not settle its claim fails the record, and in a batch's transaction keeps nothing", async () => {
    const { consumer } = claimingConsumer({ settle: false });
    const events = [paymentCreated(), paymentCreated()];
    const result = await consumerHandler(consumer, deps)(sqsEvent(events.map((e) => sqsRecord(e))));
    expect(result.batchItemFailures).toHaveLength(2);
    for (const event of events) {
      expect(await effectsOf(event.id)).toBe(0);
      expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(false);
    }
    // Alone, its one statement was its own transaction and has committed: the record still fails.
    const alone = paymentCreated();
    expect(
      (await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(alone)]))).batchItemFailures,
    ).toHaveLength(1);
  });

  it('a handler that emits for a duplicate delivery fails the record, and nothing of it is kept or published', async () => {
    const event = paymentCreated();
    await consumerHandler(claimingConsumer().consumer, deps)(sqsEvent([sqsRecord(event)]));
    const { consumer } = claimingConsumer({ emitOnDuplicate: true });
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(event)]));
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await db.sql`select 1 from outbox where payment_id = ${event.paymentId}`).toHaveLength(0);
    expect(publisher.published).toEqual([]);
  });
});

describe('events a one-statement handler writes itself (outboxWrites) and returns', () => {
  it('are written once, with the incoming correlation id, and published after commit', async () => {
    const incoming = paymentCreated('corr-own-writes');
    let written: AnyEventEnvelope | undefined;
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      writes: 'one-statement',
      handle: async (event, ctx) => {
        written = ctx.event('PaymentApproved', {
          data: { payment: { ...event.data.payment, status: 'approved' }, decidedBy: 'fraud-model' },
        });
        const [row] = await ctx.tx<{ claimed: boolean }[]>`
          with claim as (${inboxInsert(ctx.tx, ctx.inbox!)}),
               effect as (insert into test_effects (event_id, consumer) select ${event.id}, 'fraud' from claim returning 1)
          select exists (select 1 from claim) as claimed,
                 ${outboxWrites(ctx.tx, [written], ctx.tx`exists (select 1 from effect)`)}`;
        ctx.inbox!.settle(row!.claimed);
        return [written];
      },
    });
    const result = await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(incoming)]));
    expect(result.batchItemFailures).toEqual([]);
    expect(written).toMatchObject({ correlationId: 'corr-own-writes', paymentId: incoming.paymentId });
    expect(publisher.published).toEqual([written]);
    const rows = await db.sql<{ correlation_id: string; envelope: AnyEventEnvelope; published: boolean }[]>`
      select correlation_id, envelope, not exists (select 1 from outbox_pending where event_id = id) as published
        from outbox where id = ${written!.id}`;
    expect(rows).toEqual([{ correlation_id: 'corr-own-writes', envelope: written, published: true }]);
  });

  it('built but not returned, they are neither written by the runtime nor published', async () => {
    const incoming = paymentCreated();
    let built: AnyEventEnvelope | undefined;
    const consumer = defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      handle: async (event, ctx) => {
        built = ctx.event('PaymentFailed', { data: { payment: event.data.payment, reason: 'x' } });
      },
    });
    expect(
      (await consumerHandler(consumer, deps)(sqsEvent([sqsRecord(incoming)]))).batchItemFailures,
    ).toEqual([]);
    expect(await db.sql`select 1 from outbox where id = ${built!.id}`).toHaveLength(0);
    expect(publisher.published).toEqual([]);
  });
});

describe("a consumer whose writes are one statement (writes: 'one-statement')", () => {
  function oneStatementConsumer() {
    return defineConsumer({
      name: 'fraud',
      handles: FRAUD,
      writes: 'one-statement',
      handle: async (event, ctx) => {
        const [row] = await ctx.tx<{ claimed: boolean }[]>`
          with claim as (${inboxInsert(ctx.tx, ctx.inbox!)}),
               effect as (insert into test_effects (event_id, consumer) select ${event.id}, 'fraud' from claim)
          select exists (select 1 from claim) as claimed`;
        ctx.inbox!.settle(row!.claimed);
      },
    });
  }

  it('handles exactly the event types the topology routes to the consumer', () => {
    expect(() =>
      defineConsumer({ name: 'notifications', handles: ['PaymentCreated'], handle: async () => undefined }),
    ).toThrow(/notifications handles PaymentCreated, but the topology routes it/);
  });

  it('runs a record alone without BEGIN or COMMIT, and a batch in one transaction', async () => {
    const client = recordingClient(db.url);
    try {
      const handler = consumerHandler(oneStatementConsumer(), { ...deps, sql: () => client.sql });
      const alone = paymentCreated();
      client.statements.length = 0;
      expect((await handler(sqsEvent([sqsRecord(alone)]))).batchItemFailures).toEqual([]);
      expect(client.withoutTypeLookup()).toEqual([expect.stringContaining('insert into consumer_inbox')]);
      const batch = [paymentCreated(), paymentCreated()];
      client.statements.length = 0;
      expect((await handler(sqsEvent(batch.map((e) => sqsRecord(e))))).batchItemFailures).toEqual([]);
      const statements = client.withoutTypeLookup();
      expect(statements[0]).toMatch(/^begin/);
      expect(statements.at(-1)).toMatch(/^commit/);
      for (const event of [alone, ...batch]) expect(await effectsOf(event.id)).toBe(1);
    } finally {
      await client.sql.end();
    }
  });
});
