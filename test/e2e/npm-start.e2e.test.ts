/**
 * `npm start` as a user runs it: the entry point prints its address, a dev token and try commands that work as
 * printed, notes itself for `npm run token`, prints one access line per request, refuses a busy port at once,
 * and Ctrl-C (SIGINT) stops it cleanly.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestDatabase, type TestDatabase } from '../support/database';
import { npmStartCommand, ROOT, spawnNpmStart, type NpmStart } from '../support/npm-start';

let platform: NpmStart;
let dataDir: string;
// On a server, a fresh database of its own: never the server's default one, whose schema outlives the test.
let db: TestDatabase | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-start-'));
  db = process.env.DATABASE_URL ? await startTestDatabase() : undefined;
  platform = await spawnNpmStart({
    ...(db ? { DATABASE_URL: db.url } : {}),
    PORT: '0',
    RAMPAY_DATA_DIR: dataDir,
    RAMPAY_RUNNING_FILE: path.join(dataDir, 'running.json'),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
}, 160_000);

afterAll(async () => {
  if (platform?.child.exitCode === null) platform.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
  await db?.stop();
});

/** Runs a command to its end without blocking the event loop (the platform's responses keep flowing). */
async function run(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { ...options, encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      status: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (platform.child.exitCode !== null) throw new Error(`npm start exited early:\n${platform.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${platform.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('prints its address and a dev token that the API accepts, and stops cleanly on SIGINT', async () => {
  const { url, token } = platform;
  const output = () => platform.output();

  const health = await fetch(`${url}/health`);
  expect(await health.json()).toEqual({ status: 'ok', database: 'reachable' });
  const list = await fetch(`${url}/payments`, { headers: { authorization: `Bearer ${token}` } });
  expect(list.status).toBe(200);

  // The try commands, pasted into a shell in another folder, create a payment and list it.
  const commands = output()
    .split('\n')
    .filter((line) => /^ {2}(export TOKEN=|curl )/.test(line))
    .map((line) => line.trim());
  expect(commands).toHaveLength(3);
  const shell = await run('bash', ['-e', '-c', commands.join('\n')], { cwd: tmpdir() });
  expect(shell.status).toBe(0);
  const [created, listed] = shell.stdout.split(/(?<=\})(?=\{)/);
  expect(JSON.parse(created!)).toMatchObject({ object: 'payment', status: 'pending', amount: 1250 });
  expect(JSON.parse(listed!).data[0].id).toBe(JSON.parse(created!).id);

  // One access line per request (JSON, as stdout is not a terminal here), with the response's correlation id.
  const post = await fetch(`${url}/payments?limit=1`, {
    headers: { authorization: `Bearer ${token}`, 'x-correlation-id': 'corr-npm-start-1' },
  });
  expect(post.headers.get('x-correlation-id')).toBe('corr-npm-start-1');
  await waitFor(() => output().includes('corr-npm-start-1'), 5000);
  const access = output()
    .split('\n')
    .filter((line) => line.includes('corr-npm-start-1'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(access).toEqual([
    expect.objectContaining({ message: 'request', method: 'GET', path: '/payments', status: 200 }),
  ]);
  expect(typeof access[0]!.ms).toBe('number');

  // npm run token finds the running platform's key through its record, without RAMPAY_DATA_DIR; npm says nothing.
  const { RAMPAY_DATA_DIR: _ignored, ...envWithout } = process.env;
  const tokenRun = await run('npm', ['run', '-s', 'token'], {
    cwd: ROOT,
    env: { ...envWithout, RAMPAY_RUNNING_FILE: path.join(dataDir, 'running.json'), NODE_OPTIONS: '' },
  });
  expect(tokenRun.stderr).toBe('');
  const fresh = tokenRun.stdout.trim();
  const withFresh = await fetch(`${url}/payments`, { headers: { authorization: `Bearer ${fresh}` } });
  expect(withFresh.status).toBe(200);

  // A second platform on the same port stops at once with one sentence.
  const port = new URL(url).port;
  const second = await run(...npmStartCommand(), {
    cwd: ROOT,
    timeout: 20_000,
    env: {
      ...process.env,
      PORT: port,
      RAMPAY_DATA_DIR: dataDir,
      RAMPAY_RUNNING_FILE: path.join(dataDir, 'other.json'),
      NODE_OPTIONS: '',
    },
  });
  expect(second.status).toBe(1);
  expect(second.stderr.trim()).toBe(
    `RamPay did not start: Port ${port} on 127.0.0.1 is already in use (another RamPay?): stop that process, or start on another port with PORT=${Number(port) + 1} npm start.`,
  );
  expect(second.stdout).toBe('');

  expect(await platform.stop()).toBe(0);
  expect(output()).toMatch(/stopped\.\n$/);
}, 90_000);
