import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPlatform, type Platform } from '../../lib/local/platform';
import { startTestDatabase } from './database';

/**
 * The local platform for an end-to-end test file: its own temporary data folder, an in-memory embedded database
 * (or a fresh database on the DATABASE_URL server), short queue polls, and `env` set for its lifetime (e.g.
 * FRAUD_THRESHOLDS). `stop()` puts everything back.
 */
export async function startTestPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-e2e-'));
  const db = process.env.DATABASE_URL ? await startTestDatabase() : undefined;
  const platform = await startPlatform({
    port: 0,
    dataDir,
    ephemeral: true,
    pollWaitSeconds: 1,
    // In process, as the unit tests' database (test/support/database.ts); npm start's default is tested by spawning it.
    embeddedEngine: 'pglite',
    ...(db ? { databaseUrl: db.url } : {}),
  });
  return {
    ...platform,
    async stop() {
      await platform.stop();
      await db?.stop();
      await rm(dataDir, { recursive: true, force: true });
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
