/**
 * `npm start` as a user runs it: the entry point prints its address and a dev token that work, and Ctrl-C
 * (SIGINT) stops it cleanly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestDatabase, type TestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '..', '..');
let child: ChildProcessWithoutNullStreams;
let output = '';
let dataDir: string;
// On a server, a fresh database of its own: never the server's default one, whose schema outlives the test.
let db: TestDatabase | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-start-'));
  db = process.env.DATABASE_URL ? await startTestDatabase() : undefined;
  child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/local.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...(db ? { DATABASE_URL: db.url } : {}),
        PORT: '0',
        RAMPAY_DATA_DIR: dataDir,
        NODE_OPTIONS: '',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => /Ctrl-C stops/.test(output), 60_000);
}, 70_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
  await db?.stop();
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('prints its address and a dev token that the API accepts, and stops cleanly on SIGINT', async () => {
  const url = /RamPay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  const token = /\n(eyJ[\w-]+\.[\w-]+\.[\w-]+)\n/.exec(output)?.[1];
  expect(url).toBeDefined();
  expect(token).toBeDefined();

  const health = await fetch(`${url}/health`);
  expect(await health.json()).toEqual({ status: 'ok', database: 'reachable' });
  const list = await fetch(`${url}/payments`, { headers: { authorization: `Bearer ${token}` } });
  expect(list.status).toBe(200);

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(output).toMatch(/stopped\./);
}, 30_000);
