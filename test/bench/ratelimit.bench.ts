/**
 * The per-merchant rate limit at the HTTP edge:
 * 1. its overhead: the check alone (one charge), p50/p99, in process and against a Redis/Valkey server
 *    (REDIS_URL, default redis://127.0.0.1:6379), next to a request through apiHandler with the limit and
 *    the same request's floor (middy, authorization, JSON, no work);
 * 2. isolation: 3 quiet merchants at half their limit and, in the second run, a noisy one offering 10x its
 *    limit; the quiet merchants' served throughput and p99 with and without the noisy one.
 * BENCH_SECONDS per case (default 5). Keys live under a fresh prefix; nothing else on the server is touched.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { MemoryCacheStore } from '../../functions/shared/cache/memory-store';
import type { CacheStore } from '../../functions/shared/cache/ports';
import { RedisCacheStore } from '../../functions/shared/cache/redis-store';
import { closeSharedCache, useSharedCache } from '../../functions/shared/cache/connection';
import { apiHandler, type ApiEvent } from '../../functions/shared/http/api-handler';
import type { RateLimitSettings } from '../../functions/shared/http/rate-limit-settings';
import { printTable, round, runFor, summarize } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LIMIT_PER_SECOND = 200;
const QUIET = ['quiet_1', 'quiet_2', 'quiet_3'];
const NOISY = 'noisy';

const settings: RateLimitSettings = {
  defaults: {
    reads: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
    writes: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
    refunds: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
    reviews: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
  },
  merchants: {},
};

const context = { functionName: 'bench', awsRequestId: 'bench' } as unknown as Context;
let requestSeq = 0;
function event(merchantId: string): ApiEvent {
  return {
    rawPath: '/bench',
    headers: {},
    requestContext: {
      requestId: `r${++requestSeq}`,
      authorizer: {
        jwt: { claims: { merchant_id: merchantId, sub: merchantId }, scopes: ['payments:read'] },
      },
    },
  } as unknown as ApiEvent;
}

/** The floor: the same request without the limit (a public route skips it). */
const floor = apiHandler({ scope: 'public', name: 'Bench', method: 'GET' }, async () => ({
  status: 200,
  body: {},
}));
const limited = apiHandler({ scope: 'payments:read', name: 'Bench', method: 'GET' }, async () => ({
  status: 200,
  body: {},
}));

async function overhead(store: CacheStore, label: string): Promise<Record<string, number | string>> {
  const rate = { limit: 1_000_000, periodSeconds: 1 };
  const check = await runFor(1, SECONDS * 1000, async () => {
    await store.charge({ bucket: { key: 'rl:{overhead}:reads', rate } });
  });
  useSharedCache(store);
  process.env.RATE_LIMITS = JSON.stringify({ ...settings, defaults: { ...settings.defaults, reads: rate } });
  const base = await runFor(1, SECONDS * 1000, async () => {
    await floor(event('overhead'), context);
  });
  const full = await runFor(1, SECONDS * 1000, async () => {
    await limited(event('overhead'), context);
  });
  const c = summarize(check.latencies);
  const b = summarize(base.latencies);
  const f = summarize(full.latencies);
  return {
    store: label,
    checkP50Ms: round(c.p50Ms, 4),
    checkP99Ms: round(c.p99Ms, 4),
    requestP99Ms: round(f.p99Ms, 4),
    floorP99Ms: round(b.p99Ms, 4),
    addedP99Ms: round(f.p99Ms - b.p99Ms, 4),
  };
}

/** Sends `perSecond` requests a second for `merchantId`, open loop (a tick every 10 ms), until the deadline. */
async function offer(
  merchantId: string,
  perSecond: number,
  deadline: number,
): Promise<{ served: number; refused: number; latencies: number[] }> {
  const latencies: number[] = [];
  let served = 0;
  let refused = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (performance.now() < deadline) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const t0 = performance.now();
      pending.push(
        limited(event(merchantId), context).then((r) => {
          latencies.push(performance.now() - t0);
          if ((r as { statusCode: number }).statusCode === 429) refused++;
          else served++;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(pending);
  return { served, refused, latencies };
}

async function isolation(
  store: CacheStore,
  label: string,
  withNoisy: boolean,
): Promise<Record<string, number | string>> {
  useSharedCache(store);
  process.env.RATE_LIMITS = JSON.stringify(settings);
  const deadline = performance.now() + SECONDS * 1000;
  const runs = await Promise.all([
    ...QUIET.map((m) => offer(`${m}_${label}_${withNoisy}`, LIMIT_PER_SECOND / 2, deadline)),
    ...(withNoisy ? [offer(`${NOISY}_${label}`, LIMIT_PER_SECOND * 10, deadline)] : []),
  ]);
  const quiet = runs.slice(0, QUIET.length);
  const noisy = runs[QUIET.length];
  const q = summarize(quiet.flatMap((r) => r.latencies));
  return {
    store: label,
    noisy: withNoisy ? `${LIMIT_PER_SECOND * 10}/s offered` : 'none',
    quietServedPerS: round(quiet.reduce((s, r) => s + r.served, 0) / SECONDS, 1),
    quietRefused: quiet.reduce((s, r) => s + r.refused, 0),
    quietP99Ms: round(q.p99Ms, 3),
    noisyServedPerS: noisy ? round(noisy.served / SECONDS, 1) : 0,
    noisyRefusedPerS: noisy ? round(noisy.refused / SECONDS, 1) : 0,
  };
}

export default async function main(): Promise<Record<string, unknown>> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stores: [string, () => Promise<CacheStore>][] = [
    ['in-process', async () => new MemoryCacheStore()],
    [
      'redis',
      () => RedisCacheStore.connect({ url, keyPrefix: `rampay-bench:${randomBytes(4).toString('hex')}:` }),
    ],
  ];
  const overheadRows: Record<string, number | string>[] = [];
  const isolationRows: Record<string, number | string>[] = [];
  for (const [label, open] of stores) {
    let store: CacheStore;
    try {
      store = await open();
    } catch (error) {
      console.log(`${label}: not reachable at ${url} (${(error as Error).message}); skipped`);
      continue;
    }
    console.log(`${label}: overhead (${SECONDS} s per case)...`);
    overheadRows.push(await overhead(store, label));
    for (const withNoisy of [false, true]) {
      console.log(
        `${label}: isolation, ${withNoisy ? 'with' : 'without'} the noisy merchant (${SECONDS} s)...`,
      );
      isolationRows.push(await isolation(store, label, withNoisy));
    }
    await closeSharedCache();
  }
  delete process.env.RATE_LIMITS;
  console.log('\nthe check and its cost per request (1 caller)');
  printTable(overheadRows);
  console.log(
    `\n3 quiet merchants at ${LIMIT_PER_SECOND / 2}/s each (limit ${LIMIT_PER_SECOND}/s), with and without a noisy one`,
  );
  printTable(isolationRows);
  const changes = stores.flatMap(([label]) => {
    const [without, withNoisy] = isolationRows.filter((r) => r.store === label);
    if (!without || !withNoisy) return [];
    const pct = (a: number, b: number) => round(((b - a) / a) * 100, 1);
    return [
      {
        store: label,
        quietThroughputChangePct: pct(Number(without.quietServedPerS), Number(withNoisy.quietServedPerS)),
        quietP99ChangePct: pct(Number(without.quietP99Ms), Number(withNoisy.quietP99Ms)),
      },
    ];
  });
  console.log('\nthe quiet merchants with the noisy one, against without it');
  printTable(changes);
  return {
    secondsPerCase: SECONDS,
    limitPerSecond: LIMIT_PER_SECOND,
    overhead: overheadRows,
    isolation: isolationRows,
    changes,
  };
}
