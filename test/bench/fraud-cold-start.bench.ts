/**
 * The fraud function's full cold start as deployed, in fresh Node processes: the handler bundle built with the
 * deployed esbuild settings (onnxruntime-node external, as the layer provides it), run with the function's
 * NODE_OPTIONS (--enable-source-maps). Measured from the end of Node's own bootstrap: the bundle's import (which
 * requires onnxruntime-node), the scoring setup (metadata, rates table, ONNX session) and the first inference.
 * Target: import + setup + first inference < 200 ms.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions, ONNX_EXTERNALS } from '../../lib/infra/config/bundling';

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

export default async function main(): Promise<Record<string, unknown>> {
  // inside the repository, so that the external onnxruntime-node resolves from its node_modules
  const outDir = path.join(ROOT, 'node_modules', '.cache', 'rampay-bench', 'fraud-cold-start');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, 'index.mjs');
  await build({
    ...esbuildOptions(ROOT),
    entryPoints: [path.join(__dirname, 'support', 'fraud-cold-start-entry.ts')],
    outfile,
    external: ONNX_EXTERNALS,
    logLevel: 'error',
  });
  const runs: Instants[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--enable-source-maps', outfile], {
      env: { ...process.env, MODEL_DIR: path.join(ROOT, 'models'), POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    runs.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Instants);
    process.stdout.write(`\r  fresh processes: ${i + 1}/${RUNS}`);
  }
  process.stdout.write('\n');
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
  console.log(`fraud function cold start, as deployed (bundle + --enable-source-maps), median of ${RUNS} fresh processes
  import (bundle + onnxruntime)         ${fmt(importMs)}
  scoring setup (model, session, rates) ${fmt(setupMs)}
  first inference                       ${fmt(firstInferenceMs)}
  total                                 ${fmt(totalMs)}   target < ${TARGET_MS} ms: ${totalMs.median < TARGET_MS ? 'met' : 'MISSED'}
  (Node's own bootstrap before it: ${median(runs.map((r) => r.bootstrapMs)).toFixed(1)} ms)`);
  return { runs: RUNS, importMs, setupMs, firstInferenceMs, totalMs, targetMs: TARGET_MS };
}
