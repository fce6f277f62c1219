/** `npm run token -- [--merchant <id>] [--scopes "<scopes>"]`: prints a JWT the running local platform accepts. */
import { runTokenCommand } from '../lib/local/token-command';

void runTokenCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
