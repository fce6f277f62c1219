import postgres from 'postgres';
import { startTestDatabase, type TestDatabase } from '../../support/database';

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

async function serverAnswers(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

/**
 * A fresh database for a benchmark: on DATABASE_URL's server, else on 127.0.0.1:5432 when it answers, else the
 * embedded PGlite (whose figures say little about a server: `isServer` tells the benchmark which it got).
 */
export async function benchDatabase(max: number): Promise<TestDatabase> {
  const previous = process.env.DATABASE_URL;
  const url = previous ?? ((await serverAnswers(DEFAULT_SERVER)) ? DEFAULT_SERVER : undefined);
  if (url) process.env.DATABASE_URL = url;
  try {
    return await startTestDatabase({ max });
  } finally {
    if (previous === undefined) delete process.env.DATABASE_URL;
  }
}
