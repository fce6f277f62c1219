/**
 * The fraud function's full cold start as deployed, in fresh Node processes laid out as Lambda runs them: the
 * handler bundle built with the deployed esbuild settings (onnxruntime external) and its source map trimmed as
 * the function's afterBundling hook trims it, the model files beside it, and onnxruntime-node from the layer's
 * content (layers/onnxruntime/build.ts, built for this host's architecture) found through NODE_PATH, in a
 * temporary folder where no node_modules of the repository is reachable; run with the function's NODE_OPTIONS
 * (--enable-source-maps) and its onnx environment (lib/infra/config/bundling.ts). Measured from the end of
 * Node's own bootstrap: the bundle's import (which requires onnxruntime-node), the scoring setup (metadata, rates
 * table, ONNX session) and the first inference. Target: import + setup + first inference < 200 ms.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { buildLayer } from '../../layers/onnxruntime/build';
import { esbuildOptions, ONNX_ENVIRONMENT, ONNX_EXTERNALS } from '../../lib/infra/config/bundling';
import { trimSourceMapFile } from '../../lib/infra/config/source-map';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_COLD_STARTS ?? 9);
const TARGET_MS = 200;

interface Instants {
  bootstrapMs: number;
  importedMs: number;
  loadedMs: number;
  scoredMs: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** /var/task (bundle, trimmed map, models) and /opt (the layer) under a temporary folder. */
async function layOut(root: string): Promise<{ taskDir: string; optDir: string }> {
  const taskDir = path.join(root, 'var', 'task');
  const optDir = path.join(root, 'opt');
  await build({
    ...esbuildOptions(ROOT),
    entryPoints: [path.join(__dirname, 'support', 'fraud-cold-start-entry.ts')],
    outfile: path.join(taskDir, 'index.mjs'),
    external: ONNX_EXTERNALS,
    logLevel: 'error',
  });
  trimSourceMapFile(path.join(taskDir, 'index.mjs.map'));
  mkdirSync(path.join(taskDir, 'models'));
  for (const file of readdirSync(path.join(ROOT, 'models')).filter((f) =>
    /^fraud-.*\.(onnx|json)$/.test(f),
  )) {
    cpSync(path.join(ROOT, 'models', file), path.join(taskDir, 'models', file));
  }
  buildLayer(optDir, os.arch() === 'arm64' ? 'arm64' : 'x64');
  return { taskDir, optDir };
}

export default async function main(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rampay-fraud-cold-start-'));
  try {
    const { taskDir, optDir } = await layOut(root);
    const loadBefore = loadAverage();
    const runs: Instants[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--enable-source-maps', path.join(taskDir, 'index.mjs')],
        {
          cwd: taskDir,
          env: {
            PATH: process.env.PATH,
            NODE_PATH: [
              path.join(optDir, 'nodejs', 'node22', 'node_modules'),
              path.join(optDir, 'nodejs', 'node_modules'),
            ].join(':'),
            ...ONNX_ENVIRONMENT,
            MODEL_DIR: path.join(taskDir, 'models'),
            POWERTOOLS_LOG_LEVEL: 'ERROR',
          },
        },
      );
      runs.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Instants);
      process.stdout.write(`\r  fresh processes: ${i + 1}/${RUNS}`);
    }
    process.stdout.write('\n');
    const loadAfter = loadAverage();
    const pick = (f: (r: Instants) => number) => {
      const values = runs.map(f);
      return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
    };
    const importMs = pick((r) => r.importedMs - r.bootstrapMs);
    const setupMs = pick((r) => r.loadedMs - r.importedMs);
    const firstInferenceMs = pick((r) => r.scoredMs - r.loadedMs);
    const totalMs = pick((r) => r.scoredMs - r.bootstrapMs);
    const fmt = (m: { median: number; min: number; max: number }) =>
      `${m.median.toFixed(1)} ms (${m.min.toFixed(1)}-${m.max.toFixed(1)})`;
    console.log(`fraud function cold start, as deployed (bundle, trimmed map, layer, --enable-source-maps), median of ${RUNS} fresh processes
  import (bundle + onnxruntime)         ${fmt(importMs)}
  scoring setup (model, session, rates) ${fmt(setupMs)}
  first inference                       ${fmt(firstInferenceMs)}
  total                                 ${fmt(totalMs)}   target < ${TARGET_MS} ms: ${totalMs.median < TARGET_MS ? 'met' : 'MISSED'}
  (Node's own bootstrap before it: ${median(runs.map((r) => r.bootstrapMs)).toFixed(1)} ms; load average ${loadBefore} before, ${loadAfter} after)`);
    return {
      runs: RUNS,
      importMs,
      setupMs,
      firstInferenceMs,
      totalMs,
      targetMs: TARGET_MS,
      loadAverage: { before: loadBefore, after: loadAfter },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
