/**
 * The per-merchant rate limit at the HTTP edge:
 * 1. its overhead: the check alone (one charge), p50/p99, in process and against a Redis/Valkey server
 *    (REDIS_URL, default redis://127.0.0.1:6379), next to a request through apiHandler with the limit and
 *    the same request's floor (middy, authorization, JSON, no work);
 * 2. isolation: 3 quiet merchants at half their limit and, in the second run, a noisy one offering 10x its
 *    limit; the quiet merchants' served throughput and p99 with and without the noisy one. Against the server
 *    twice: every merchant in this process (one event loop shared with the noisy merchant), and each merchant in
 *    a process of its own (support/rate-limit-caller.ts), as separate Lambda containers share only the server.
 * BENCH_SECONDS per case (default 5). Keys live under a fresh prefix; nothing else on the server is touched.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { MemoryCacheStore } from '../../functions/shared/cache/memory-store';
import type { CacheStore } from '../../functions/shared/cache/ports';
import { RedisCacheStore } from '../../functions/shared/cache/redis-store';
import { closeSharedCache, useSharedCache } from '../../functions/shared/cache/connection';
import {
  context,
  event,
  floor,
  limited,
  LIMIT_PER_SECOND,
  NOISY,
  offer,
  QUIET,
  settings,
  type Offered,
} from './support/rate-limited-requests';
import { printTable, round, runFor, summarize } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CALLER = path.join(__dirname, 'support', 'rate-limit-caller.ts');
/** Cores to pin the noisy caller and the quiet callers to (taskset), as separate Lambda containers have their own. */
const NOISY_CPU = process.env.BENCH_NOISY_CPU;
const QUIET_CPU = process.env.BENCH_QUIET_CPU;
/** Time for the callers' processes to start and connect before the common start. */
const PROCESS_START_MS = 4000;

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

/** Each merchant in a process of its own, sharing only the server; all start and stop at the same wall-clock times. */
async function inProcesses(url: string, keyPrefix: string, callers: [string, number][]): Promise<Offered[]> {
  const startAt = Date.now() + PROCESS_START_MS;
  return Promise.all(
    callers.map(
      ([merchantId, perSecond]) =>
        new Promise<Offered>((resolve, reject) => {
          const cpu = merchantId.startsWith(NOISY) ? NOISY_CPU : QUIET_CPU;
          const child = fork(CALLER, [], {
            // Pinned (BENCH_NOISY_CPU, BENCH_QUIET_CPU): the noisy caller's own work on a core of its own.
            ...(cpu === undefined
              ? { execArgv: ['--import', 'tsx'] }
              : { execPath: 'taskset', execArgv: ['-c', cpu, process.execPath, '--import', 'tsx'] }),
            env: {
              ...process.env,
              REDIS_URL: url,
              BENCH_KEY_PREFIX: keyPrefix,
              RATE_LIMITS: JSON.stringify(settings),
              BENCH_MERCHANT: merchantId,
              BENCH_PER_SECOND: String(perSecond),
              BENCH_START_AT: String(startAt),
              BENCH_END_AT: String(startAt + SECONDS * 1000),
            },
          });
          child.once('message', (offered) => resolve(offered as Offered));
          child.once('error', reject);
          child.once('exit', (code) => {
            if (code !== 0) reject(new Error(`the caller for ${merchantId} exited with ${code}`));
          });
        }),
    ),
  );
}

type Placement = 'one process' | 'a process each';

async function isolation(
  store: CacheStore,
  label: string,
  placement: Placement,
  withNoisy: boolean,
  server?: { url: string; keyPrefix: string },
): Promise<Record<string, number | string>> {
  const run = `${label}_${placement === 'one process' ? 'p1' : 'pn'}_${withNoisy}`;
  const callers: [string, number][] = [
    ...QUIET.map((m): [string, number] => [`${m}_${run}`, LIMIT_PER_SECOND / 2]),
    ...(withNoisy ? [[`${NOISY}_${run}`, LIMIT_PER_SECOND * 10] as [string, number]] : []),
  ];
  let runs: Offered[];
  if (placement === 'a process each' && server) {
    runs = await inProcesses(server.url, server.keyPrefix, callers);
  } else {
    useSharedCache(store);
    process.env.RATE_LIMITS = JSON.stringify(settings);
    const deadline = performance.now() + SECONDS * 1000;
    runs = await Promise.all(
      callers.map(([merchantId, perSecond]) => offer(merchantId, perSecond, deadline)),
    );
  }
  const quiet = runs.slice(0, QUIET.length);
  const noisy = runs[QUIET.length];
  const q = summarize(quiet.flatMap((r) => r.latencies));
  return {
    store: label,
    merchants: placement,
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
  const keyPrefix = `rampay-bench:${randomBytes(4).toString('hex')}:`;
  const stores: [string, () => Promise<CacheStore>, Placement[]][] = [
    ['in-process', async () => new MemoryCacheStore(), ['one process']],
    ['redis', () => RedisCacheStore.connect({ url, keyPrefix }), ['one process', 'a process each']],
  ];
  const overheadRows: Record<string, number | string>[] = [];
  const isolationRows: Record<string, number | string>[] = [];
  for (const [label, open, placements] of stores) {
    let store: CacheStore;
    try {
      store = await open();
    } catch (error) {
      console.log(`${label}: not reachable at ${url} (${(error as Error).message}); skipped`);
      continue;
    }
    console.log(`${label}: overhead (${SECONDS} s per case)...`);
    overheadRows.push(await overhead(store, label));
    for (const placement of placements) {
      for (const withNoisy of [false, true]) {
        console.log(
          `${label}, ${placement}: isolation, ${withNoisy ? 'with' : 'without'} the noisy merchant (${SECONDS} s)...`,
        );
        isolationRows.push(await isolation(store, label, placement, withNoisy, { url, keyPrefix }));
      }
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
  const changes = stores.flatMap(([label, , placements]) =>
    placements.flatMap((placement) => {
      const [without, withNoisy] = isolationRows.filter(
        (r) => r.store === label && r.merchants === placement,
      );
      if (!without || !withNoisy) return [];
      const pct = (a: number, b: number) => round(((b - a) / a) * 100, 1);
      return [
        {
          store: label,
          merchants: placement,
          quietThroughputChangePct: pct(Number(without.quietServedPerS), Number(withNoisy.quietServedPerS)),
          quietP99ChangePct: pct(Number(without.quietP99Ms), Number(withNoisy.quietP99Ms)),
        },
      ];
    }),
  );
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
