/** `npm run demo`: the fraud simulator's payments through the API of the running local platform. */
import { runDemoCommand } from '../lib/local/demo-command';

void runDemoCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
