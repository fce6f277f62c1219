/**
 * Bundled as the fraud function deploys (esbuild, ESM, onnxruntime external) and run in a fresh Node process by
 * fraud-cold-start.bench.ts: imports the deployed handler module (which starts loading the model, as a new
 * container does), waits for the scoring setup, scores one row, and prints the instants as one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { handler } from '../../../functions/fraud/handlers/consumer';
import { scoringSetup } from '../../../functions/fraud/consumer-composition';
import { FEATURE_COUNT } from '../../../functions/fraud/features';

async function main(): Promise<void> {
  const imported = performance.now();
  const setup = await scoringSetup();
  const loaded = performance.now();
  await setup.model.score([new Float64Array(FEATURE_COUNT).fill(1)]);
  const scored = performance.now();
  console.log(
    JSON.stringify({
      handler: typeof handler,
      bootstrapMs: performance.nodeTiming.bootstrapComplete,
      importedMs: imported,
      loadedMs: loaded,
      scoredMs: scored,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
