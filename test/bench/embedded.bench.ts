/**
 * `npm run bench -- embedded`: the local platform (`npm start`'s) under load over HTTP, on each embedded database
 * and on a PostgreSQL server, in one run: creates/s and latency at 1 and 8 callers (POST /payments through the
 * local HTTP server, the consumers running as they do under npm start). The server is DATABASE_URL's, else
 * 127.0.0.1:5432 when it answers (skipped otherwise). `BENCH_SECONDS` per case (default 10).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMBEDDED_ENGINES, type EmbeddedEngine } from '../../lib/local/embedded-postgres';
import { startPlatform } from '../../lib/local/platform';
import { logger } from '../../functions/shared/logger';
import { paymentRequest } from '../support/api';
import type { TestDatabase } from '../support/database';
import { benchDatabase } from './support/database';
import { printTable, round, runFor, summarize } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CALLERS = [1, 8];

type Mode = EmbeddedEngine | 'server';

async function measure(mode: Mode, server: TestDatabase | undefined) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-bench-embedded-'));
  const startedAt = performance.now();
  const platform = await startPlatform({
    port: 0,
    dataDir,
    ephemeral: true,
    pollWaitSeconds: 1,
    ...(mode === 'server' ? { databaseUrl: server!.url } : { embeddedEngine: mode }),
  });
  const startSeconds = round((performance.now() - startedAt) / 1000, 1);
  const token = await platform.issuer.issue({ merchantId: 'merchant_bench', scopes: ['payments:write'] });
  const create = async (caller: number, i: number) => {
    const response = await fetch(`${platform.url}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(
        paymentRequest({
          amount: 1000 + i,
          customer: { id: `cus_${caller}_${i % 50}`, email: 'ada@example.com' },
        }),
      ),
    });
    const body = await response.text();
    if (response.status !== 201) {
      failures++;
      if (failures === 1)
        console.error(`${mode}: POST /payments answered ${response.status}: ${body.slice(0, 200)}`);
    }
  };
  let failures = 0;
  const rows = [];
  try {
    await runFor(2, 2000, create); // warm-up: JIT, pools, the first consumer batches
    for (const callers of CALLERS) {
      failures = 0;
      const { latencies, opsPerSecond } = await runFor(callers, SECONDS * 1000, create);
      const s = summarize(latencies);
      rows.push({
        failures,
        mode,
        callers,
        createsPerSecond: opsPerSecond,
        p50Ms: round(s.p50Ms, 1),
        p99Ms: round(s.p99Ms, 1),
        startSeconds,
      });
    }
  } finally {
    await platform.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Each mode runs in a process of its own: a platform leaves module-level state behind it (the shared database
 * client, memoised compositions), so a second platform in the same process would not be measured fairly.
 */
async function measureInChild(mode: Mode, serverUrl: string | undefined): Promise<Row[]> {
  const tsx = path.join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, __filename, mode, serverUrl ?? ''], {
    env: {
      ...process.env,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as Row[];
}

type Row = Awaited<ReturnType<typeof measure>>[number];

export default async function main(): Promise<Record<string, unknown>> {
  let server: TestDatabase | undefined = await benchDatabase(10);
  if (!server.isServer) {
    await server.stop();
    server = undefined;
  }
  const modes: Mode[] = [...EMBEDDED_ENGINES, ...(server ? (['server'] as const) : [])];
  const rows: Row[] = [];
  try {
    for (const mode of modes) {
      console.log(`measuring ${mode}...`);
      rows.push(...(await measureInChild(mode, server?.url)));
    }
  } finally {
    await server?.stop();
  }
  printTable(rows);
  const at8 = (mode: Mode) => rows.find((r) => r.mode === mode && r.callers === 8);
  const ratios: Record<string, number> = {};
  if (at8('server')) {
    for (const engine of EMBEDDED_ENGINES) {
      ratios[`${engine}VsServerAt8`] = round(
        at8(engine)!.createsPerSecond / at8('server')!.createsPerSecond,
        2,
      );
    }
    console.log(
      `creates/s at 8 callers, embedded / server: ${Object.entries(ratios)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} (goal: >= 0.6, p99 < 500 ms)`,
    );
  }
  return { seconds: SECONDS, rows, ratios };
}

if (require.main === module) {
  const [mode, serverUrl] = process.argv.slice(2) as [Mode, string];
  logger.setLogLevel('WARN');
  measure(mode, serverUrl ? ({ url: serverUrl } as TestDatabase) : undefined).then(
    (rows) => {
      console.log(JSON.stringify(rows));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
