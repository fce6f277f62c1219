/**
 * The console's initial JavaScript: a fresh `vite build` of console/ into a temporary folder, then every script
 * index.html loads at once (its module entry and the chunks it preloads), each gzipped as a CDN would send it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

export const CONSOLE_BUDGET_GZIP_BYTES = 250 * 1024;
const ROOT = path.resolve(__dirname, '..', '..');

export interface ConsoleBundle {
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  buildMs: number;
}

export async function measureConsoleBundle(): Promise<ConsoleBundle> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'rampay-console-'));
  try {
    const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    const started = performance.now();
    await promisify(execFile)(
      process.execPath,
      [vite, 'build', 'console', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: ROOT },
    );
    const buildMs = performance.now() - started;
    const html = await readFile(path.join(outDir, 'index.html'), 'utf8');
    const initial = [
      ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
      ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
    ].map((m) => m[1]!);
    const files = await Promise.all(
      initial.map(async (file) => {
        const content = await readFile(path.join(outDir, file));
        return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
      }),
    );
    return {
      files,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
      buildMs,
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
