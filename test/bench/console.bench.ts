/**
 * The console's initial JavaScript, gzipped, against its budget (250 KB): a fresh production build of console/,
 * every script index.html loads before the first page shows.
 */
import { CONSOLE_BUDGET_GZIP_BYTES, measureConsoleBundle } from '../support/console-bundle';

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export default async function main(): Promise<Record<string, unknown>> {
  console.log('building the console (vite build)...');
  const bundle = await measureConsoleBundle();
  for (const f of bundle.files) console.log(`  ${f.file}: ${kb(f.bytes)} KB, ${kb(f.gzipBytes)} KB gzipped`);
  const within = bundle.gzipBytes < CONSOLE_BUDGET_GZIP_BYTES;
  console.log(
    `console initial JS: ${kb(bundle.gzipBytes)} KB gzipped (budget ${kb(CONSOLE_BUDGET_GZIP_BYTES)} KB): ` +
      `${within ? 'within' : 'OVER'} budget; built in ${Math.round(bundle.buildMs)} ms`,
  );
  return {
    initialJsBytes: bundle.bytes,
    initialJsGzipBytes: bundle.gzipBytes,
    budgetGzipBytes: CONSOLE_BUDGET_GZIP_BYTES,
    withinBudget: within,
    files: bundle.files,
    buildMs: Math.round(bundle.buildMs),
  };
}
