/** `npm run token -- --merchant <id> --scopes "<scopes>"`: prints a JWT the running local platform accepts. */
import { parseArgs } from 'node:util';
import { SCOPES } from '../functions/shared/http/auth';
import { DEFAULT_DATA_DIR } from '../lib/local/platform';
import { LocalJwtIssuer } from '../lib/local/jwt-issuer';

const USAGE = `usage: npm run token -- --merchant <id> [--scopes "<space separated scopes>"] [--ttl <seconds>]
scopes: ${SCOPES.join(' ')} (default: all)`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        merchant: { type: 'string' },
        scopes: { type: 'string' },
        ttl: { type: 'string', default: '3600' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return void console.log(USAGE);
  if (!values.merchant) return fail(`--merchant is required\n${USAGE}`);
  const scopes = values.scopes === undefined ? [...SCOPES] : values.scopes.split(/\s+/).filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) return fail(`unknown scope(s): ${unknown.join(', ')}\n${USAGE}`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) return fail(`--ttl must be a positive number of seconds\n${USAGE}`);
  const issuer = await LocalJwtIssuer.open(DEFAULT_DATA_DIR);
  console.log(await issuer.issue({ merchantId: values.merchant, scopes, ttl }));
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 2;
}

void main();
