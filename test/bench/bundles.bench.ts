/**
 * Bundle size and cold initialisation of every Lambda function.
 *
 * Each function of the table (lib/infra/config/functions.ts) plus the deploy-time migrator is bundled twice with
 * the esbuild settings NodejsFunction uses (lib/infra/config/bundling.ts): as deployed, with the AWS SDK inside
 * the bundle, and with `@aws-sdk/*` left external (what relying on the runtime's SDK would mean). Cold init = a fresh Node process importing the bundle, which runs its module-level initialisation;
 * the import is timed inside the child (process start-up excluded), median of 10 runs, once with
 * `--enable-source-maps` as deployed and once without. Targets for API functions: under 500 KB and 150 ms.
 *
 * Tracing, before and after in the same run: each function is bundled a third time with the tracing port replaced
 * by a pass-through (support/without-tracing.ts), and what tracing adds to its size and init is reported against
 * its budget of 15 ms. The tracer candidates (support/tracing-candidates: none, RamPay's X-Ray recorder, the
 * Powertools tracer, the OpenTelemetry SDK with the OTLP exporter) are bundled alone and timed the same way
 * (docs/adr/0005-tracing.md).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { build, type Plugin } from 'esbuild';
import { esbuildOptions, ONNX_EXTERNALS } from '../../lib/infra/config/bundling';
import { FUNCTIONS, REPO_ROOT } from '../../lib/infra/config/functions';
import { trimSourceMapFile } from '../../lib/infra/config/source-map';
import { percentile, round } from './support/stats';

const RUNS = 10;
const TRACING_INIT_BUDGET_MS = 15;
const TRACING_DIR = path.join(REPO_ROOT, 'functions', 'shared', 'tracing');
/** The modules of the tracing port that the "before" bundles replace (the trace context's parsing stays). */
const TRACING_MODULES = ['index', 'tracer', 'database', 'aws-client', 'xray-recorder'].map((m) =>
  path.join(TRACING_DIR, m),
);
const WITHOUT_TRACING = path.join(REPO_ROOT, 'test', 'bench', 'support', 'without-tracing.ts');
const CANDIDATES_DIR = path.join(REPO_ROOT, 'test', 'bench', 'support', 'tracing-candidates');
const CANDIDATES = ['none', 'rampay', 'powertools', 'opentelemetry'];
const SIZE_TARGET_BYTES = 500 * 1024;
const INIT_TARGET_MS = 150;
// Under the repository so that the SDK-external variant resolves @aws-sdk/* from node_modules.
const OUT_DIR = path.join(REPO_ROOT, 'bench-results', 'bundles');

interface Target {
  id: string;
  kind: string;
  entry: string;
  /** Modules a layer provides (left out of the bundle; resolved from node_modules here). */
  external: string[];
  /** Environment on top of LAMBDA_ENV, where this function's differs (lib/infra/constructs/service-function.ts). */
  env?: Record<string, string | undefined>;
}

type Variant = 'bundled' | 'external' | 'untraced';

const withoutTracing: Plugin = {
  name: 'without-tracing',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path).replace(/\.ts$/, '');
      return TRACING_MODULES.includes(resolved) ? { path: WITHOUT_TRACING } : undefined;
    });
  },
};

async function bundle(target: Target, variant: Variant): Promise<{ file: string; bytes: number }> {
  const file = path.join(OUT_DIR, target.id, variant, 'index.mjs');
  await build({
    entryPoints: [path.join(REPO_ROOT, target.entry)],
    outfile: file,
    ...esbuildOptions(REPO_ROOT),
    external: [...target.external, ...(variant === 'external' ? ['@aws-sdk/*'] : [])],
    plugins: variant === 'untraced' ? [withoutTracing] : [],
    logLevel: 'error',
  });
  trimSourceMapFile(`${file}.map`); // as NodejsFunction's afterBundling hook does
  return { file, bytes: fs.statSync(file).size };
}

// What a function's environment holds on Lambda (values are placeholders; nothing connects at import time).
// Database functions sign in to RDS Proxy with IAM as DB_USER; only the migrator gets the secret (MIGRATOR_ENV).
const LAMBDA_ENV: Record<string, string | undefined> = {
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'rampay-bench',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'bench-session-token',
  RAMPAY_ENV: 'bench',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'RamPay',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  DB_USER: 'rampay_admin',
  DB_HOST: 'proxy.bench.invalid',
  DB_PORT: '5432',
  DB_NAME: 'rampay',
  DB_SSL: 'require',
  PAYMENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:rampay-bench-payments',
  FRAUD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:rampay-bench-fraud',
  MERCHANTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:rampay-bench-merchants',
  MIGRATIONS_DIR: '/var/task/migrations',
  MODEL_DIR: path.join(REPO_ROOT, 'models'),
  FRAUD_THRESHOLDS: JSON.stringify({ review: 60, hold: 80, decline: 95 }),
};
const MIGRATOR_ENV = {
  DB_USER: undefined,
  DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rampay/bench/database-AbCdEf',
  DB_HOST: 'instance.bench.invalid',
  DB_PORT: '5433',
};

const IMPORT_TIMER = `const t = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - t));
process.exit(0);`;

async function initOnce(target: Target, file: string, sourceMaps: boolean): Promise<number> {
  const args = [
    ...(sourceMaps ? ['--enable-source-maps'] : []),
    '--input-type=module',
    '-e',
    IMPORT_TIMER,
    file,
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: { PATH: process.env.PATH, ...LAMBDA_ENV, ...target.env },
    timeout: 30_000,
  });
  return Number(stdout.trim());
}

async function medianInit(
  target: Target,
  file: string,
  sourceMaps: boolean,
  tick: () => void,
): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    samples.push(await initOnce(target, file, sourceMaps));
    tick();
  }
  return round(
    percentile(
      [...samples].sort((a, b) => a - b),
      50,
    ),
    1,
  );
}

/**
 * Cold init of two bundles of one function, in pairs of fresh processes run back to back (in alternating order),
 * so that the machine's load, which drifts over seconds, weighs on both sides of each pair alike: the medians of
 * each, and the median of the per-pair differences (b - a), which is steadier than the difference of medians.
 */
async function pairedInit(
  target: Target,
  a: string,
  b: string,
  tick: () => void,
): Promise<{ aMs: number; bMs: number; addedMs: number; addedQuartilesMs: [number, number] }> {
  const as: number[] = [];
  const bs: number[] = [];
  const differences: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const first = i % 2 === 0 ? a : b;
    const one = await initOnce(target, first, true);
    tick();
    const other = await initOnce(target, first === a ? b : a, true);
    tick();
    const [aMs, bMs] = first === a ? [one, other] : [other, one];
    as.push(aMs);
    bs.push(bMs);
    differences.push(bMs - aMs);
  }
  const median = (samples: number[]) =>
    round(
      percentile(
        [...samples].sort((x, y) => x - y),
        50,
      ),
      1,
    );
  const sorted = [...differences].sort((x, y) => x - y);
  return {
    aMs: median(as),
    bMs: median(bs),
    addedMs: median(differences),
    addedQuartilesMs: [round(percentile(sorted, 25), 1), round(percentile(sorted, 75), 1)],
  };
}

function progress(total: number): { tick: (label: string) => void; stop: () => void } {
  if (process.stdout.isTTY) {
    const bar = new SingleBar(
      { format: ' {bar} {value}/{total} cold starts | {label}' },
      Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    return { tick: (label) => bar.increment(1, { label }), stop: () => bar.stop() };
  }
  let done = 0;
  let last = Date.now();
  return {
    tick: (label) => {
      done += 1;
      if (Date.now() - last > 5000 || done === total) {
        console.log(`  ${done}/${total} cold starts (${label})`);
        last = Date.now();
      }
    },
    stop: () => undefined,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export default async function main(): Promise<Record<string, unknown>> {
  const targets: Target[] = [
    ...FUNCTIONS.map((f) => ({
      id: f.id,
      kind: f.trigger.kind,
      entry: f.entry,
      external: f.onnx ? ONNX_EXTERNALS : [],
    })),
    {
      id: 'Migrator',
      kind: 'trigger',
      entry: 'functions/shared/db/migrate-handler.ts',
      external: [],
      env: MIGRATOR_ENV,
    },
  ];
  fs.rmSync(OUT_DIR, { recursive: true, force: true });

  console.log(`bundling ${targets.length} functions twice (AWS SDK bundled / external) with esbuild`);
  const bundles = await Promise.all(
    targets.map(async (t) => ({
      target: t,
      bundled: await bundle(t, 'bundled'),
      external: await bundle(t, 'external'),
      untraced: await bundle(t, 'untraced'),
    })),
  );
  const candidates = await Promise.all(
    CANDIDATES.map(async (name) => {
      const entry = path.relative(REPO_ROOT, path.join(CANDIDATES_DIR, `${name}.ts`));
      const target: Target = { id: `tracer-${name}`, kind: 'candidate', entry, external: [] };
      return { name, target, bundled: await bundle(target, 'bundled') };
    }),
  );

  const bar = progress(targets.length * RUNS * 4 + candidates.length * RUNS);
  const rows = [];
  for (const { target, bundled, external, untraced } of bundles) {
    const tick = () => bar.tick(target.id);
    // Without and with tracing in pairs of processes, so that the machine's load weighs on both alike.
    const tracing = await pairedInit(target, untraced.file, bundled.file, tick);
    const initUntraced = tracing.aMs;
    const initBundled = tracing.bMs;
    const initBundledNoMaps = await medianInit(target, bundled.file, false, tick);
    const initExternal = await medianInit(target, external.file, true, tick);
    const isApi = target.kind === 'api';
    rows.push({
      function: target.id,
      kind: target.kind,
      bundledBytes: bundled.bytes,
      externalBytes: external.bytes,
      untracedBytes: untraced.bytes,
      initMedianMs: {
        bundled: initBundled,
        bundledWithoutSourceMaps: initBundledNoMaps,
        sdkExternal: initExternal,
        withoutTracing: initUntraced,
      },
      tracingAddedInitMs: tracing.addedMs,
      tracingAddedInitQuartilesMs: tracing.addedQuartilesMs,
      meetsTargets: isApi ? bundled.bytes < SIZE_TARGET_BYTES && initBundled < INIT_TARGET_MS : null,
    });
  }
  const candidateRows = [];
  for (const { name, target, bundled } of candidates) {
    const initMs = await medianInit(target, bundled.file, true, () => bar.tick(target.id));
    candidateRows.push({ tracer: name, bytes: bundled.bytes, initMedianMs: initMs });
  }
  bar.stop();

  console.log(
    `\nbundle size (minified index.mjs) and cold init (median of ${RUNS} fresh processes, import only), Node ${process.version}`,
  );
  console.table(
    rows.map((r) => ({
      function: r.function,
      kind: r.kind,
      'size (SDK bundled)': kb(r.bundledBytes),
      'size (SDK external)': kb(r.externalBytes),
      'init ms (as deployed)': r.initMedianMs.bundled,
      'init ms (no source maps)': r.initMedianMs.bundledWithoutSourceMaps,
      'init ms (SDK external)': r.initMedianMs.sdkExternal,
      'API target': r.meetsTargets === null ? '-' : r.meetsTargets ? 'met' : 'MISSED',
    })),
  );
  console.log(
    `\ntracing: each function with the tracing port (as deployed) against the same function without it, in ${RUNS} pairs of processes run back to back; added init = median of the pairs' differences (quartiles)`,
  );
  console.table(
    rows.map((r) => ({
      function: r.function,
      'size without': kb(r.untracedBytes),
      'size with': kb(r.bundledBytes),
      'added size': `${((r.bundledBytes - r.untracedBytes) / 1024).toFixed(1)} KB`,
      'init ms without': r.initMedianMs.withoutTracing,
      'init ms with': r.initMedianMs.bundled,
      'added init ms': r.tracingAddedInitMs,
      'quartiles ms': r.tracingAddedInitQuartilesMs.join(' .. '),
      [`under ${TRACING_INIT_BUDGET_MS} ms`]: r.tracingAddedInitMs < TRACING_INIT_BUDGET_MS ? 'yes' : 'NO',
    })),
  );
  const baseline = candidateRows.find((c) => c.tracer === 'none')!;
  console.log('tracer candidates alone (an entry that sets the tracer up and records one span)');
  console.table(
    candidateRows.map((c) => ({
      tracer: c.tracer,
      size: kb(c.bytes),
      'init ms': c.initMedianMs,
      'added to an empty entry (ms)': round(c.initMedianMs - baseline.initMedianMs, 1),
    })),
  );
  const api = rows.filter((r) => r.kind === 'api');
  const small = api.filter((r) => r.bundledBytes < SIZE_TARGET_BYTES).length;
  const fast = api.filter((r) => r.initMedianMs.bundled < INIT_TARGET_MS).length;
  console.log(
    `API functions: ${small}/${api.length} under ${kb(SIZE_TARGET_BYTES)}, ${fast}/${api.length} under ` +
      `${INIT_TARGET_MS} ms init as deployed; both: ${api.filter((r) => r.meetsTargets).length}/${api.length}`,
  );
  const underBudget = rows.filter((r) => r.tracingAddedInitMs < TRACING_INIT_BUDGET_MS).length;
  console.log(
    `tracing: ${underBudget}/${rows.length} functions add under ${TRACING_INIT_BUDGET_MS} ms init (median of paired differences)`,
  );
  console.log(
    "Note: the SDK-external init resolves @aws-sdk from this machine's node_modules; on Lambda it would load the runtime's copy.",
  );
  return {
    runs: RUNS,
    targets: {
      apiBundleBytes: SIZE_TARGET_BYTES,
      apiInitMs: INIT_TARGET_MS,
      tracingAddedInitMs: TRACING_INIT_BUDGET_MS,
    },
    functions: rows,
    tracerCandidates: candidateRows,
  };
}
