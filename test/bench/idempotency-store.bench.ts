/**
 * Where idempotency records live: Powertools' cache persistence layer on Valkey/Redis (REDIS_URL, default
 * redis://127.0.0.1:6379) against RamPay's PostgreSQL layer (DATABASE_URL, default the local server), in one run,
 * through the same makeIdempotent wrapper around an operation that does nothing: what the store costs.
 * Replay p50/p99 (the same key and body again, 1 caller) and create throughput (a new key each call, 8 callers).
 * BENCH_SECONDS per case (default 5). The decision and its guarantees: docs/adr/0004-valkey-cache.md.
 */
import { randomBytes } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import type { Context } from 'aws-lambda';
import { RedisCacheStore } from '../../functions/shared/cache/redis-store';
import { PostgresPersistenceLayer } from '../../functions/shared/idempotency/postgres-persistence-layer';
import { startTestDatabase } from '../support/database';
import { printTable, round, runFor, summarize } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CALLERS = 8;
const context = {
  functionName: 'bench',
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function idempotent(store: BasePersistenceLayer, name: string, validatePayload: boolean) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[merchantId, scope, idempotencyKey]',
    ...(validatePayload ? { payloadValidationJmesPath: 'body' } : {}),
    expiresAfterSeconds: 24 * 60 * 60,
  });
  config.registerLambdaContext(context);
  const run = makeIdempotent(
    async (input: { merchantId: string; scope: string; idempotencyKey: string; body: unknown }) => ({
      id: 'pay_1',
      body: input.body,
      created: Date.now(),
    }),
    { persistenceStore: store, config, keyPrefix: `rampay.bench-${name}` },
  );
  return (key: string) =>
    run({ merchantId: 'merchant_bench', scope: 'payments', idempotencyKey: key, body: { amount: 1250 } });
}

export default async function main(): Promise<Record<string, unknown>> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await startTestDatabase({ max: CALLERS });
  const redis = await RedisCacheStore.connect({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    keyPrefix: `rampay-bench:${randomBytes(4).toString('hex')}:`,
  });
  // Powertools 2.35's cache layer drops the payload hash when it completes a record (_updateRecord writes status,
  // expiry and data only), so with payload validation every honest replay is refused as a mismatch: it runs
  // without validation here, which RamPay's API could not do (a changed body must be a 422).
  const stores: [string, BasePersistenceLayer, boolean][] = [
    ['postgres', new PostgresPersistenceLayer(async () => db.sql), true],
    [
      'valkey (Powertools cache layer, no payload check)',
      new CachePersistenceLayer({ client: redis.powertoolsClient() }),
      false,
    ],
  ];
  const rows: Record<string, string | number>[] = [];
  try {
    for (const [label, store, validatePayload] of stores) {
      const call = idempotent(store, label.split(' ')[0]!, validatePayload);
      console.log(`${label}: replays (${SECONDS} s)...`);
      await call('replayed');
      const replays = await runFor(1, SECONDS * 1000, async () => {
        await call('replayed');
      });
      console.log(`${label}: creates, ${CALLERS} callers (${SECONDS} s)...`);
      const prefix = randomBytes(4).toString('hex');
      const creates = await runFor(CALLERS, SECONDS * 1000, async (caller, i) => {
        await call(`${prefix}-${caller}-${i}`);
      });
      const r = summarize(replays.latencies);
      const c = summarize(creates.latencies);
      rows.push({
        store: label,
        replayP50Ms: round(r.p50Ms, 3),
        replayP99Ms: round(r.p99Ms, 3),
        createsPerS: creates.opsPerSecond,
        createP99Ms: round(c.p99Ms, 3),
      });
    }
  } finally {
    await redis.close();
    await db.stop();
  }
  console.log('\nidempotency records: replay latency and create throughput through makeIdempotent');
  printTable(rows);
  return { secondsPerCase: SECONDS, callers: CALLERS, stores: rows };
}
