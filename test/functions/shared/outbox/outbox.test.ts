import { OutboxPublisher } from '../../../../functions/shared/outbox/committed-publisher';
import { buildEvent, appendEvents, outboxWrites } from '../../../../functions/shared/outbox/outbox';
import {
  publishCommitted,
  relayPending,
} from '../../../../functions/shared/outbox/use-cases/publish-committed';
import { PostgresPaymentStore } from '../../../../functions/payments/adapters/postgres-payment-store';
import { createPayment } from '../../../../functions/payments/use-cases/create-payment';
import type { CreatePaymentRequest } from '../../../../functions/payments/schemas';
import { createPaymentRequestSchema } from '../../../../functions/payments/schemas';
import { paymentRequest } from '../../../support/api';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { RecordingPublisher } from '../../../support/recording-publisher';
import { paymentSnapshot } from '../../../support/fixtures';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ max: 10 });
});
afterAll(() => db.stop());
beforeEach(async () => {
  await db.sql`delete from outbox_pending`;
});

const request = (): CreatePaymentRequest => createPaymentRequestSchema.parse(paymentRequest());

function depsWith(publisher: RecordingPublisher) {
  return {
    store: new PostgresPaymentStore(db.sql),
    events: new OutboxPublisher(db.sql, () => publisher),
    now: () => new Date(),
  };
}

describe('transactional outbox', () => {
  it('when SNS fails right after commit, the relay publishes every event exactly once', async () => {
    const inline = new RecordingPublisher();
    inline.failing = true;
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        await createPayment(depsWith(inline), {
          merchantId: 'm1',
          idempotencyKey: `fail-${i}-${Date.now()}`,
          correlationId: `c${i}`,
          request: request(),
        }),
      );
    }
    // The payments are committed even though nothing was published.
    const stored =
      await db.sql`select count(*)::int as n from payments where id = any(${created.map((p) => p.id)}::uuid[])`;
    expect(stored[0]!.n).toBe(7);
    expect(inline.published).toHaveLength(0);

    const relay = new RecordingPublisher();
    const outcome = await relayPending(db.sql, relay, { batchSize: 3 });
    expect(outcome).toMatchObject({ published: 7, failed: 0 });
    expect(relay.published.map((e) => e.paymentId)).toEqual(created.map((p) => p.id));
    expect((await relayPending(db.sql, relay)).published).toBe(0);
    expect(new Set(relay.ids()).size).toBe(7);
  });

  it("when the process dies between commit and publish, the relay publishes once the writer's lease runs out", async () => {
    const store = new PostgresPaymentStore(db.sql);
    const events = Array.from({ length: 5 }, (_, i) =>
      buildEvent('PaymentCreated', {
        merchantId: 'm6',
        paymentId: paymentSnapshot().id,
        correlationId: `died${i}`,
        data: { payment: paymentSnapshot() },
      }),
    );
    // Commit, then "die": nothing publishes.
    await store.transaction((tx) => tx.appendEvents(events));
    const relay = new RecordingPublisher();
    expect((await relayPending(db.sql, relay)).published).toBe(0); // still the writer's
    await db.sql`update outbox_pending set claimed_until = now() - interval '1 second' where event_id = any(${events.map((e) => e.id)}::uuid[])`;
    expect((await relayPending(db.sql, relay)).published).toBe(5);
    expect((await relayPending(db.sql, relay)).published).toBe(0);
    expect(relay.ids()).toEqual(events.map((e) => e.id));
  });

  it('concurrent relays and the inline publisher never publish one event twice', async () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      buildEvent('PaymentCreated', {
        merchantId: 'm2',
        paymentId: '01a20eeb-4d1d-7463-bee8-92caa8b67bf4',
        correlationId: `c${i}`,
        data: { payment: paymentSnapshot() },
      }),
    );
    await db.sql.begin((tx) => appendEvents(tx, events));
    const publisher = new RecordingPublisher();
    await Promise.all([
      relayPending(db.sql, publisher, { batchSize: 5 }),
      relayPending(db.sql, publisher, { batchSize: 5 }),
      publishCommitted(db.sql, publisher, events.slice(0, 20)),
      relayPending(db.sql, publisher, { batchSize: 5 }),
    ]);
    // The writer published its first 20; the other 20 it "lost" go to the relays once the lease runs out.
    await db.sql`update outbox_pending set claimed_until = now() - interval '1 second' where event_id in (select id from outbox where merchant_id = 'm2')`;
    await Promise.all([
      relayPending(db.sql, publisher, { batchSize: 5 }),
      relayPending(db.sql, publisher, { batchSize: 5 }),
    ]);
    expect(publisher.ids().sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('a rolled-back change leaves no event behind', async () => {
    const event = buildEvent('PaymentCreated', {
      merchantId: 'm3',
      paymentId: '01a20eeb-4d1d-7463-bee8-92caa8b67bf4',
      correlationId: 'rollback',
      data: { payment: paymentSnapshot() },
    });
    await expect(
      db.sql.begin(async (tx) => {
        await appendEvents(tx, [event]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const publisher = new RecordingPublisher();
    await relayPending(db.sql, publisher);
    expect(publisher.published).toHaveLength(0);
    expect(await db.sql`select 1 from outbox where id = ${event.id}`).toHaveLength(0);
  });

  it('outboxWrites, inside a larger statement, writes the events and their leases only when its condition holds', async () => {
    const events = [1, 2].map((i) =>
      buildEvent('PaymentCreated', {
        merchantId: 'm7',
        paymentId: paymentSnapshot().id,
        correlationId: `cte${i}`,
        data: { payment: paymentSnapshot() },
      }),
    );
    const write = (condition: boolean) =>
      db.sql`with decided as (select ${condition}::boolean as ok)
             select ${outboxWrites(db.sql, events, db.sql`(select ok from decided)`)}`;
    await write(false);
    expect(
      await db.sql`select 1 from outbox where id = any(${events.map((e) => e.id)}::uuid[])`,
    ).toHaveLength(0);
    await write(true);
    const rows = await db.sql<
      { envelope: unknown; correlation_id: string; occurred_at: Date; leased: boolean }[]
    >`select o.envelope, o.correlation_id, o.occurred_at, p.claimed_until > now() as leased
        from outbox o join outbox_pending p on p.event_id = o.id
       where o.id = any(${events.map((e) => e.id)}::uuid[]) order by o.seq`;
    expect(rows).toEqual(
      events.map((e) => ({
        envelope: e,
        correlation_id: e.correlationId,
        occurred_at: new Date(e.occurredAt),
        leased: true,
      })),
    );
    // Leased to the writer: the relay leaves them alone.
    expect((await relayPending(db.sql, new RecordingPublisher())).published).toBe(0);
  });

  it('refuses to store an event that does not match its schema', async () => {
    const bad = {
      ...buildEvent('PaymentCreated', {
        merchantId: 'm4',
        paymentId: 'p',
        correlationId: 'c',
        data: { payment: paymentSnapshot() },
      }),
    };
    (bad.data.payment as { amount: unknown }).amount = 'lots';
    await expect(db.sql.begin((tx) => appendEvents(tx, [bad]))).rejects.toThrow();
  });

  it('records failed attempts and the last error, and publishes them on a later run', async () => {
    const event = buildEvent('PaymentCreated', {
      merchantId: 'm5',
      paymentId: paymentSnapshot().id,
      correlationId: 'c',
      data: { payment: paymentSnapshot() },
    });
    await db.sql.begin((tx) => appendEvents(tx, [event]));
    const flaky = new RecordingPublisher();
    flaky.publish = async (events) => ({
      published: [],
      failed: events.map((e) => ({ id: e.id, error: 'Throttled: slow down' })),
    });
    await publishCommitted(db.sql, flaky, [event]);
    const [row] = await db.sql`select attempts, last_error from outbox_pending where event_id = ${event.id}`;
    expect(row).toEqual({ attempts: 1, last_error: 'Throttled: slow down' });
    const healthy = new RecordingPublisher();
    await relayPending(db.sql, healthy);
    expect(healthy.ids()).toEqual([event.id]);
  });
});
