/**
 * Where `npm start` notes the platform it runs (address, data folder, process id), so that `npm run token` signs
 * with that platform's key whatever RAMPAY_DATA_DIR the token command itself is given or not given.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RunningPlatform {
  pid: number;
  url: string;
  dataDir: string;
  startedAt: string;
}

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** `.rampay/running.json` in the repository, whatever data folder the platform uses. */
export function runningFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.RAMPAY_RUNNING_FILE ?? path.join(REPOSITORY_ROOT, '.rampay', 'running.json');
}

export async function recordRunningPlatform(record: RunningPlatform, file = runningFile()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(record, null, 2));
}

/** Removes the record if it still names this process (another platform may have started since). */
export async function forgetRunningPlatform(pid: number, file = runningFile()): Promise<void> {
  const record = await readRecord(file);
  if (record?.pid === pid) await rm(file, { force: true });
}

/** The recorded platform if its process is still alive. */
export async function findRunningPlatform(file = runningFile()): Promise<RunningPlatform | undefined> {
  const record = await readRecord(file);
  return record && isAlive(record.pid) ? record : undefined;
}

async function readRecord(file: string): Promise<RunningPlatform | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<RunningPlatform>;
    return typeof record.pid === 'number' && typeof record.dataDir === 'string'
      ? (record as RunningPlatform)
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
