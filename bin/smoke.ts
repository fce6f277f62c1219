/** `npm run smoke -- ...`: the deployment smoke test (lib/ops/smoke/cli.ts). */
import { runSmokeCli } from '../lib/ops/smoke/cli';

void runSmokeCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
