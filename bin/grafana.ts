/**
 * npm run grafana [-- --check]: writes the Grafana dashboards (lib/grafana) as JSON to grafana/dashboards/.
 * With --check, writes nothing and fails when a committed file differs from what the code generates.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DASHBOARDS_DIR, dashboardJson, dashboards } from '../lib/grafana/dashboards';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  await mkdir(DASHBOARDS_DIR, { recursive: true });
  const stale: string[] = [];
  const boards = Object.entries(dashboards());
  for (const [file, board] of boards) {
    const target = path.join(DASHBOARDS_DIR, file);
    const json = dashboardJson(board);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === json) {
      console.log(
        `${path.relative(process.cwd(), target)}: up to date (${board.panels?.length ?? 0} panels)`,
      );
    } else if (check) {
      stale.push(file);
      console.log(`${path.relative(process.cwd(), target)}: differs from the generated dashboard`);
    } else {
      await writeFile(target, json);
      console.log(`${path.relative(process.cwd(), target)}: written (${board.panels?.length ?? 0} panels)`);
    }
  }
  if (stale.length > 0) {
    console.error(
      `${stale.length} dashboard(s) out of date: run npm run grafana and commit grafana/dashboards/`,
    );
    process.exitCode = 1;
  } else {
    console.log(`${boards.length} dashboards ${check ? 'checked' : 'generated'}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
