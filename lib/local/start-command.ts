/**
 * `npm start` in a terminal: checks PORT before anything starts, shows each start-up step, prints what to try
 * (commands that run as printed), notes the running platform for `npm run token`, and one line per request.
 */
import path from 'node:path';
import { SCOPES } from '../../functions/shared/http/auth';
import { formatAccessEntry } from './access-log';
import { DEV_MERCHANT } from './dev-identity';
import { DEFAULT_DATA_DIR, startPlatform, type Platform } from './platform';
import { checkPortFree, listenRefusal, parsePort } from './port-check';
import { forgetRunningPlatform, recordRunningPlatform } from './running-platform';
import type { StartStep } from './start-progress';

/** What to paste into a shell to try the API: it runs as printed, from any folder. */
export function tryCommands(url: string, token: string): string[] {
  const body =
    '{"amount":1250,"currency":"EUR","customer":{"id":"cus_1","email":"ada@example.com"},' +
    '"paymentMethod":{"type":"card","fingerprint":"fp_4242abcd","last4":"4242"},"terminalId":"web-shop"}';
  return [
    `export TOKEN=${token}`,
    `curl -s -X POST ${url}/payments -H "Authorization: Bearer $TOKEN" ` +
      `-H "Idempotency-Key: $(node -p 'crypto.randomUUID()')" -H 'content-type: application/json' -d '${body}'`,
    `curl -s "${url}/payments?limit=5" -H "Authorization: Bearer $TOKEN"`,
  ];
}

export interface StartOutput {
  /** stdout is a terminal: readable lines instead of JSON */
  readable: boolean;
  line(text: string): void;
}

/** Shows start-up progress: one line per finished step, with what it did and how long it took. */
export function progressPrinter(output: StartOutput): (step: StartStep) => void {
  return (step) => {
    if (step.phase === 'start') {
      if (output.readable) output.line(`  ... ${step.label}`);
      return;
    }
    const seconds = ((step.ms ?? 0) / 1000).toFixed(1);
    output.line(`  ok  ${step.label}${step.detail ? `: ${step.detail}` : ''} (${seconds} s)`);
  };
}

export async function startCommand(
  env: NodeJS.ProcessEnv,
  output: StartOutput,
): Promise<{ platform: Platform; stop: () => Promise<void> }> {
  const port = parsePort(env.PORT);
  await checkPortFree(port);
  const dataDir = DEFAULT_DATA_DIR;
  const started = performance.now();
  output.line(
    `Starting RamPay (data in ${displayPath(dataDir)}; ` +
      `the first start takes longest: it creates the database and applies the migrations)`,
  );
  let platform: Platform;
  try {
    platform = await startPlatform({
      port,
      dataDir,
      ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
      onProgress: progressPrinter(output),
      onRequest: (entry) => output.line(formatAccessEntry(entry, output.readable)),
    });
  } catch (error) {
    throw error instanceof Error && 'code' in error
      ? listenRefusal(port, error as NodeJS.ErrnoException)
      : error;
  }
  await recordRunningPlatform({
    pid: process.pid,
    url: platform.url,
    dataDir: platform.dataDir,
    startedAt: new Date().toISOString(),
  });
  const token = await platform.issuer.issue({
    merchantId: DEV_MERCHANT,
    scopes: [...SCOPES],
    ttl: 12 * 3600,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const database = env.DATABASE_URL ? 'PostgreSQL server (DATABASE_URL)' : 'embedded PostgreSQL';
  const lines = [
    '',
    `RamPay listening on ${platform.url} (ready in ${seconds} s; ${database}; consumers: ${platform.consumers.join(', ') || 'none'})`,
    '',
    `Dev token (${DEV_MERCHANT}, all scopes, 12 h):`,
    token,
    '',
    'Try (runs as printed, from any folder):',
    ...tryCommands(platform.url, token).map((command) => `  ${command}`),
    `A new token later, from this folder: export TOKEN=$(npm run -s token)`,
    `Traffic that fills the review queue and the charts: npm run demo`,
    '',
    `Console (keeps the dev token in the tab): ${platform.url}/#token=${token}`,
    `API reference: ${platform.url}/docs   OpenAPI: ${platform.url}/openapi.json   Queues: ${platform.url}/local/queues   ` +
      `Sent mail and SMS (with the token): ${platform.url}/local/notifications`,
    `Traces (a payment's as a timeline: ?payment=<id>): ${platform.url}/local/traces/timeline`,
    `Rate limits and hot reads: ${env.REDIS_URL ? 'REDIS_URL' : 'in process (set REDIS_URL for a Valkey/Redis server)'}`,
    `One line per request below; LOG_LEVEL=INFO npm start shows the handlers' logs too. Ctrl-C stops.`,
  ];
  for (const line of lines) output.line(line);
  return {
    platform,
    async stop() {
      await forgetRunningPlatform(process.pid);
      await platform.stop();
    },
  };
}

/** A path relative to the current folder when it is inside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}
