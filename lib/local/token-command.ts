/**
 * `npm run token`: a JWT the running local platform accepts. It signs with the key of the platform `npm start`
 * recorded as running (or of RAMPAY_DATA_DIR when given), and never makes a key of its own: a token signed with a
 * key no platform uses would only meet 401s.
 */
import { parseArgs } from 'node:util';
import { SCOPES } from '../../functions/shared/http/auth';
import { isMerchantId, MERCHANT_ID_RULE } from '../../functions/shared/http/input/patterns';
import { DEV_MERCHANT } from './dev-identity';
import { LocalJwtIssuer, NoSigningKey } from './jwt-issuer';
import { DEFAULT_DATA_DIR } from './platform';
import { findRunningPlatform, runningFile } from './running-platform';

export const TOKEN_USAGE = `usage: npm run token -- [--merchant <id>] [--scopes "<space separated scopes>"] [--ttl <seconds>]
merchant: default ${DEV_MERCHANT}
scopes: ${SCOPES.join(' ')} (default: all)
The key is the running platform's (npm start records it in .rampay/running.json), or RAMPAY_DATA_DIR's.`;

export interface TokenIo {
  out(line: string): void;
  err(line: string): void;
}

/** Which data folder's key signs, and why that one. */
export async function tokenDataDir(env: NodeJS.ProcessEnv): Promise<{ dataDir: string; because: string }> {
  if (env.RAMPAY_DATA_DIR) return { dataDir: env.RAMPAY_DATA_DIR, because: 'RAMPAY_DATA_DIR' };
  const running = await findRunningPlatform(runningFile(env));
  if (running) {
    return {
      dataDir: running.dataDir,
      because: `the platform running at ${running.url} (pid ${running.pid})`,
    };
  }
  return { dataDir: DEFAULT_DATA_DIR, because: 'the default data folder (no running platform is recorded)' };
}

/** Returns the exit code: 0 a token was printed, 1 no key to sign with, 2 bad arguments. */
export async function runTokenCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: TokenIo = { out: (l) => console.log(l), err: (l) => console.error(l) },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        merchant: { type: 'string', default: DEV_MERCHANT },
        scopes: { type: 'string' },
        ttl: { type: 'string', default: '3600' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${TOKEN_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(TOKEN_USAGE);
    return 0;
  }
  const scopes = values.scopes === undefined ? [...SCOPES] : values.scopes.split(/\s+/).filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    io.err(`unknown scope(s): ${unknown.join(', ')}\n${TOKEN_USAGE}`);
    return 2;
  }
  if (!isMerchantId(values.merchant)) {
    io.err(`--merchant must be ${MERCHANT_ID_RULE}\n${TOKEN_USAGE}`);
    return 2;
  }
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    io.err(`--ttl must be a positive number of seconds\n${TOKEN_USAGE}`);
    return 2;
  }
  const { dataDir, because } = await tokenDataDir(env);
  let issuer: LocalJwtIssuer;
  try {
    issuer = await LocalJwtIssuer.open(dataDir, { create: false });
  } catch (error) {
    if (!(error instanceof NoSigningKey)) throw error;
    io.err(
      `No signing key in ${dataDir} (used because of ${because}): start the platform first with npm start, ` +
        `or set RAMPAY_DATA_DIR to the data folder the running platform uses.`,
    );
    return 1;
  }
  io.out(await issuer.issue({ merchantId: values.merchant, scopes, ttl }));
  return 0;
}
