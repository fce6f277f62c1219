/**
 * Fraud model benchmark: cold model load (module import, then metadata + ONNX session) and inference latency
 * through the onnxruntime-node adapter, single rows and batches of 10, plus the risk score and reasons.
 * The cold load is measured in fresh Node processes (the median of COLD_LOADS), as a new Lambda container loads
 * it: in this process, whatever ran before (another benchmark in the same `npm run bench`) may have warmed
 * onnxruntime's native library already, and a load here is then a warm reload.
 * Targets: inference p50 < 50 µs, cold model load < 100 ms.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { activeModel } from '../../models/artifact';

const COLD_LOADS = Number(process.env.BENCH_MODEL_COLD_LOADS ?? 7);

/** One model load in a fresh Node process (support/cold-model-load.ts). */
async function coldLoadInChild(
  metadataPath: string,
): Promise<{ moduleImportMs: number; coldLoadMs: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    path.join(__dirname, 'support', 'cold-model-load.ts'),
    metadataPath,
  ]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { moduleImportMs: number; coldLoadMs: number };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function stats(samplesUs: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const mean = samplesUs.reduce((a, b) => a + b, 0) / samplesUs.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

const us = (fromNs: bigint): number => Number(process.hrtime.bigint() - fromNs) / 1000;
const fmt = (s: { p50: number; p99: number }): string =>
  `p50 ${s.p50.toFixed(1)} µs, p99 ${s.p99.toFixed(1)} µs`;

export default async function main(): Promise<Record<string, unknown>> {
  const { metadataPath } = activeModel();
  const cold: { moduleImportMs: number; coldLoadMs: number }[] = [];
  for (let i = 0; i < COLD_LOADS; i++) cold.push(await coldLoadInChild(metadataPath));
  const coldLoads = cold.map((c) => c.coldLoadMs);
  const { OnnxFraudModel, riskScore, topReasons } = await import('../../functions/fraud/model');
  const inProcessStart = process.hrtime.bigint();
  const model = await OnnxFraudModel.load({ metadataPath });
  const inProcessLoadMs = us(inProcessStart) / 1000;
  const reloads: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = process.hrtime.bigint();
    await OnnxFraudModel.load({ metadataPath });
    reloads.push(us(t));
  }

  const parity = JSON.parse(readFileSync(metadataPath.replace(/\.json$/, '.parity.json'), 'utf8')) as {
    rows: number[][];
  };
  const rows = parity.rows.map((r) => Float64Array.from(r));
  for (let i = 0; i < 500; i++) await model.score([rows[i % rows.length]!]);

  const single: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = process.hrtime.bigint();
    await model.score([rows[i % rows.length]!]);
    single.push(us(t));
  }
  const batch: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const from = (i * 10) % (rows.length - 10);
    const t = process.hrtime.bigint();
    await model.score(rows.slice(from, from + 10));
    batch.push(us(t));
  }
  const explain: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const row = rows[i % rows.length]!;
    const t = process.hrtime.bigint();
    riskScore(0.37, model.metadata);
    topReasons(row);
    explain.push(us(t));
  }

  const result = {
    model: model.version,
    trees: (model.metadata.model as { trees?: number }).trees,
    coldLoadMs: median(coldLoads),
    coldLoadRangeMs: { min: Math.min(...coldLoads), max: Math.max(...coldLoads) },
    coldLoads: COLD_LOADS,
    moduleImportMs: median(cold.map((c) => c.moduleImportMs)),
    importAndColdLoadMs: median(cold.map((c) => c.moduleImportMs + c.coldLoadMs)),
    firstLoadInThisProcessMs: inProcessLoadMs,
    warmReloadMs: { p50: stats(reloads).p50 / 1000, p99: stats(reloads).p99 / 1000 },
    inferenceSingleUs: stats(single),
    inferenceBatch10Us: stats(batch),
    inferenceBatch10PerRowUs: stats(batch.map((b) => b / 10)),
    riskScoreAndReasonsUs: stats(explain),
    targets: { inferenceP50Us: 50, coldLoadMs: 100 },
  };
  console.log(`model ${model.version} (${result.trees} trees)
  cold load            ${result.coldLoadMs.toFixed(1)} ms median of ${COLD_LOADS} fresh processes (${result.coldLoadRangeMs.min.toFixed(1)}-${result.coldLoadRangeMs.max.toFixed(1)} ms; metadata + session; module import before it ${result.moduleImportMs.toFixed(1)} ms)
  import + cold load   ${result.importAndColdLoadMs.toFixed(1)} ms median (onnxruntime's import is most of it; the function's whole cold start: npm run bench -- fraud-cold-start)
  loads in this process first ${result.firstLoadInThisProcessMs.toFixed(1)} ms (warm if another benchmark ran first), reload p50 ${result.warmReloadMs.p50.toFixed(1)} ms
  inference, 1 row     ${fmt(result.inferenceSingleUs)}   (5000 runs)
  inference, 10 rows   ${fmt(result.inferenceBatch10Us)} per batch, p50 ${result.inferenceBatch10PerRowUs.p50.toFixed(1)} µs per row   (2000 runs)
  score + reasons      ${fmt(result.riskScoreAndReasonsUs)}
  targets              inference p50 < 50 µs: ${result.inferenceSingleUs.p50 < 50 ? 'met' : 'MISSED'}; cold load < 100 ms: ${result.coldLoadMs < 100 ? 'met' : 'MISSED'}`);
  return result;
}
