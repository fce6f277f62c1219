/**
 * One merchant's caller in a process of its own, as a Lambda container would be: it signs in to the REDIS_URL
 * server, waits for BENCH_START_AT (epoch ms), offers BENCH_PER_SECOND requests a second for BENCH_MERCHANT until
 * BENCH_END_AT, and sends what it saw to the parent.
 */
import { RedisCacheStore } from '../../../functions/shared/cache/redis-store';
import { closeSharedCache, useSharedCache } from '../../../functions/shared/cache/connection';
import { offer } from './rate-limited-requests';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const store = await RedisCacheStore.connect({ url: env('REDIS_URL'), keyPrefix: env('BENCH_KEY_PREFIX') });
  useSharedCache(store);
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, Number(env('BENCH_START_AT')) - Date.now())),
  );
  const deadline = performance.now() + (Number(env('BENCH_END_AT')) - Date.now());
  const offered = await offer(env('BENCH_MERCHANT'), Number(env('BENCH_PER_SECOND')), deadline);
  await closeSharedCache();
  process.send!(offered, () => process.exit(0));
}

void main();
