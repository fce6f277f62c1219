/**
 * Create-payment throughput and latency through the Lambda handler on a PostgreSQL server, against the physical
 * limit: a bare loop inserting the same rows (payment, outbox event, its pending-publication row) in one
 * transaction, same pool settings.
 * Also the p99 of an idempotent replay. DATABASE_URL names the server (default: 127.0.0.1:5432).
 */
import { newId } from '../../functions/domain/ids';
import type { AnyEventEnvelope } from '../../functions/domain/events';
import { useSharedSql } from '../../functions/shared/db/connection';
import { LOCAL_RATE_LIMITS } from '../../functions/shared/http/rate-limit-settings';
import { useSharedPublisher } from '../../functions/shared/outbox/publisher';
import { handler as createPayment } from '../../functions/payments/handlers/create-payment';
import { call, paymentRequest } from '../support/api';
import { startTestDatabase } from '../support/database';
import { printTable, round, runFor, runInterleaved, summarize } from './support/stats';

const SECONDS_PER_CASE = Number(process.env.BENCH_SECONDS ?? 5);
/** Handler and bare loop take turns in slices of a second, so background load weighs on both alike. */
const SLICES = SECONDS_PER_CASE;
const POOL_SIZE = 8;

export default async function main(): Promise<Record<string, unknown>> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  // The handler as deployed, its rate-limit check included (in process), with a budget no run reaches.
  const unreachable = { limit: 1_000_000, periodSeconds: 1 };
  const rateLimits = process.env.RATE_LIMITS;
  process.env.RATE_LIMITS = JSON.stringify({
    ...LOCAL_RATE_LIMITS,
    defaults: { ...LOCAL_RATE_LIMITS.defaults, reads: unreachable, writes: unreachable },
  });
  const db = await startTestDatabase({ max: POOL_SIZE });
  useSharedSql(db.sql);
  // Publication is measured by the backbone benchmark; here SNS answers at once.
  useSharedPublisher({
    publish: async (events: readonly AnyEventEnvelope[]) => ({
      published: events.map((e) => e.id),
      failed: [],
    }),
  });
  const body = paymentRequest();
  const createVia = (key: string) =>
    call(createPayment, 'POST', '/payments', { body, headers: { 'idempotency-key': key } });

  const sample = (await createVia('sample')).body as Record<string, unknown>;
  const [outboxSample] = await db.sql<
    { envelope: Record<string, unknown> }[]
  >`select envelope from outbox limit 1`;
  const bareInsert = async () => {
    const id = newId();
    await db.sql.begin(async (tx) => {
      await tx`
        insert into payments (id, merchant_id, status, amount, currency, amount_refunded, customer_id, customer,
                              payment_method, card_fingerprint, terminal_id, description, metadata,
                              idempotency_key, version, created_at, updated_at)
        values (${id}, 'merchant_a', 'pending', 1250, 'EUR', 0, 'cus_1', ${tx.json(sample.customer as never)},
                ${tx.json(sample.paymentMethod as never)}, 'fp_4242abcd', 'web-shop', 'Order 1001',
                ${tx.json(sample.metadata as never)}, ${id}, 1, now(), now())`;
      // The event and its pending-publication row in one statement: as many round trips as two plain inserts.
      await tx`
        with event as (
          insert into outbox (id, type, merchant_id, payment_id, correlation_id, occurred_at, envelope)
          values (${newId()}, 'PaymentCreated', 'merchant_a', ${id}, 'bench', now(), ${tx.json(outboxSample!.envelope as never)})
          returning id)
        insert into outbox_pending (event_id, claimed_until) select id, now() from event`;
    });
  };

  // Warm both paths (JIT, pool connections, caches).
  await runFor(POOL_SIZE, 1000, async (c, i) => void (await createVia(`warm-${c}-${i}`)));
  await runFor(POOL_SIZE, 1000, bareInsert);

  const rows: Record<string, string | number>[] = [];
  const results: Record<string, unknown> = {};
  for (const callers of [1, 8]) {
    console.log(
      `measuring ${callers} caller(s): handler and bare insert, ${SECONDS_PER_CASE}s each in ${SLICES} alternating slices...`,
    );
    let created = 0;
    const { a: handler, b: bare } = await runInterleaved(callers, SECONDS_PER_CASE * 1000, SLICES, {
      a: async () => {
        const res = await createVia(`h${callers}-${created++}`);
        if (res.status !== 201) throw new Error(`create answered ${res.status}`);
      },
      b: bareInsert,
    });
    const h = summarize(handler.latencies);
    const b = summarize(bare.latencies);
    const ratio = round(handler.opsPerSecond / bare.opsPerSecond, 2);
    rows.push(
      {
        callers,
        path: 'handler',
        'ops/s': handler.opsPerSecond,
        'p50 ms': h.p50Ms,
        'p99 ms': h.p99Ms,
        'handler/bare': ratio,
      },
      {
        callers,
        path: 'bare insert',
        'ops/s': bare.opsPerSecond,
        'p50 ms': b.p50Ms,
        'p99 ms': b.p99Ms,
        'handler/bare': '',
      },
    );
    results[`callers${callers}`] = {
      handler: { opsPerSecond: handler.opsPerSecond, ...h },
      bare: { opsPerSecond: bare.opsPerSecond, ...b },
      ratio,
    };
  }

  console.log('measuring idempotent replay (1 caller)...');
  await createVia('replayed-key');
  const replay = await runFor(1, SECONDS_PER_CASE * 1000, async () => {
    const res = await createVia('replayed-key');
    if (res.headers['idempotent-replayed'] !== 'true') throw new Error('not a replay');
  });
  const r = summarize(replay.latencies);
  rows.push({
    callers: 1,
    path: 'replay',
    'ops/s': replay.opsPerSecond,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'handler/bare': '',
  });
  results.replay = { opsPerSecond: replay.opsPerSecond, ...r };

  console.log();
  printTable(rows);
  const ratio8 = (results.callers8 as { ratio: number }).ratio;
  console.log(
    `\nSummary: at 8 callers the handler reaches ${ratio8} of the bare insert throughput (target >= 0.5); ` +
      `replay p99 ${r.p99Ms} ms (target < 5 ms).`,
  );
  await db.stop();
  // The benchmarks after this one in the same run get the limits they were started with.
  if (rateLimits === undefined) delete process.env.RATE_LIMITS;
  else process.env.RATE_LIMITS = rateLimits;
  return { database: 'server', poolSize: POOL_SIZE, secondsPerCase: SECONDS_PER_CASE, ...results };
}
