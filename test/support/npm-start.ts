/**
 * `npm start` as a user runs it, in a child process: the very command of package.json's start script (with this
 * Node), optionally as another user (a uid and gid to switch to, which needs root). Resolves once the platform is
 * ready.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** package.json's start script as a program and its arguments, `node` being the Node running the tests. */
export function npmStartCommand(): [string, string[]] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [program, ...args] = scripts.start.split(/\s+/);
  if (program !== 'node') throw new Error(`the start script should run node: "${scripts.start}"`);
  return [process.execPath, args];
}

export interface NpmStart {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** The dev token it printed. */
  token: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Ctrl-C: SIGINT, then its exit code once it has exited. */
  stop(): Promise<number | null>;
}

/** Starts `npm start` with `env` (added to this process's) in the repository; resolves when it is ready. */
export async function spawnNpmStart(
  env: NodeJS.ProcessEnv,
  options: { asUser?: { uid: number; gid: number }; readyWithinMs?: number } = {},
): Promise<NpmStart> {
  const [node, args] = npmStartCommand();
  // Switched in the child itself (no runuser or su in between), so that a signal reaches the platform as Ctrl-C's
  // does and its exit code is the platform's own.
  const child = spawn(node, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    ...(options.asUser ?? {}),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.readyWithinMs ?? 150_000);
  while (!/Ctrl-C stops/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start was not ready in time; output so far:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url: /RamPay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!,
    token: /\n(eyJ[\w-]+\.[\w-]+\.[\w-]+)\n/.exec(output)![1]!,
    output: () => output,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}
