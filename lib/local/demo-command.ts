/** `npm run demo -- [--payments N] [--concurrency N] [--url URL]`: see demo.ts. */
import { parseArgs } from 'node:util';
import { SCOPES } from '../../functions/shared/http/auth';
import { processIo, type Io } from '../ops/dlq/progress';
import { DEMO_DEFAULTS, formatSummary, runDemo } from './demo';
import { DEV_MERCHANT } from './dev-identity';
import { LocalJwtIssuer, NoSigningKey } from './jwt-issuer';
import { findRunningPlatform, runningFile } from './running-platform';
import { tokenDataDir } from './token-command';

export const DEMO_USAGE = `usage: npm run demo -- [--payments N] [--concurrency N] [--url http://127.0.0.1:3000]
Sends the fraud simulator's payments (default ${DEMO_DEFAULTS.payments}, ${DEMO_DEFAULTS.concurrency} at once) as ${DEV_MERCHANT} to the running platform (npm start).`;

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number`);
  return n;
}

/** Returns the exit code: 0 done, 1 no platform to talk to or payments refused, 2 bad arguments. */
export async function runDemoCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = processIo,
  settleMs: number = DEMO_DEFAULTS.settleMs,
): Promise<number> {
  let payments: number;
  let concurrency: number;
  let url: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        payments: { type: 'string' },
        concurrency: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(DEMO_USAGE);
      return 0;
    }
    payments = positive(values.payments, 'payments', DEMO_DEFAULTS.payments);
    concurrency = positive(values.concurrency, 'concurrency', DEMO_DEFAULTS.concurrency);
    url = values.url;
  } catch (error) {
    io.err(`${(error as Error).message}\n${DEMO_USAGE}`);
    return 2;
  }
  const running = await findRunningPlatform(runningFile(env));
  url ??= running?.url;
  if (!url) {
    io.err(
      'No running platform found (npm start records it in .rampay/running.json): start it with npm start, or pass --url.',
    );
    return 1;
  }
  const { dataDir } =
    running && !env.RAMPAY_DATA_DIR ? { dataDir: running.dataDir } : await tokenDataDir(env);
  let token: string;
  try {
    const issuer = await LocalJwtIssuer.open(dataDir, { create: false });
    token = await issuer.issue({ merchantId: DEV_MERCHANT, scopes: [...SCOPES], ttl: 3600 });
  } catch (error) {
    if (!(error instanceof NoSigningKey)) throw error;
    io.err(`No signing key in ${dataDir}: set RAMPAY_DATA_DIR to the data folder of the platform at ${url}.`);
    return 1;
  }
  try {
    const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    if (!health.ok) throw new Error(`GET /health answered ${health.status}`);
  } catch (error) {
    io.err(`The platform at ${url} does not answer (${(error as Error).message}): start it with npm start.`);
    return 1;
  }
  io.out(`Sending ${payments} simulated payments to ${url} as ${DEV_MERCHANT}, ${concurrency} at once...`);
  const summary = await runDemo(
    {
      url,
      token,
      payments,
      concurrency,
      fraudShare: DEMO_DEFAULTS.fraudShare,
      settleMs,
      seed: DEMO_DEFAULTS.seed,
    },
    io,
  );
  for (const line of formatSummary(summary, url)) io.out(line);
  return summary.refused > 0 ? 1 : 0;
}
