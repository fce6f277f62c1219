/** The console's initial JavaScript stays under its budget (npm run bench -- console prints the figures). */
import { CONSOLE_BUDGET_GZIP_BYTES, measureConsoleBundle } from '../support/console-bundle';

it('loads under 250 KB of gzipped JavaScript before the first page', async () => {
  const bundle = await measureConsoleBundle();
  expect(bundle.files.length).toBeGreaterThan(0);
  expect(bundle.gzipBytes).toBeLessThan(CONSOLE_BUDGET_GZIP_BYTES);
}, 120_000);
