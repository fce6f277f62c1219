/**
 * Run in a fresh Node process by fraud-model.bench.ts: loads the model once, as a new Lambda container does, and
 * prints the timings as one JSON line. `node --import tsx cold-model-load.ts <metadataPath>`.
 */
import { performance } from 'node:perf_hooks';

async function main(metadataPath: string): Promise<void> {
  const importStarted = performance.now();
  const { OnnxFraudModel } = await import('../../../functions/fraud/model');
  const moduleImportMs = performance.now() - importStarted;
  const loadStarted = performance.now();
  await OnnxFraudModel.load({ metadataPath });
  const coldLoadMs = performance.now() - loadStarted;
  console.log(JSON.stringify({ moduleImportMs, coldLoadMs }));
}

main(process.argv[2] as string).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
