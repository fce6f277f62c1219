/** `npm run dlq -- <command>`: inspect and replay the consumers' DLQs, on AWS or on the local platform. */
import { runDlqCli } from '../lib/ops/dlq/cli';

void runDlqCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
