import { randomBytes } from 'node:crypto';
import { MemoryCacheStore } from '../../functions/shared/cache/memory-store';
import type { CacheStore } from '../../functions/shared/cache/ports';
import { RedisCacheStore } from '../../functions/shared/cache/redis-store';

/** true when REDIS_URL names a server (the tests then run against it, like DATABASE_URL for PostgreSQL). */
export const onRedis = Boolean(process.env.REDIS_URL);

/** A store of its own for one test: keys under a fresh prefix on the REDIS_URL server, else in process. */
export async function startTestCache(clock?: () => number): Promise<CacheStore> {
  if (!process.env.REDIS_URL) return new MemoryCacheStore(clock);
  return RedisCacheStore.connect({
    url: process.env.REDIS_URL,
    keyPrefix: `rampay-test:${randomBytes(6).toString('hex')}:`,
  });
}
