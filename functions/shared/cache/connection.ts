import { MemoryCacheStore } from './memory-store';
import type { CacheStore } from './ports';
import { RedisCacheStore, type RedisStoreSettings } from './redis-store';

/** After a failed connection, calls fail at once for this long instead of each waiting on another attempt. */
const RECONNECT_AFTER_MS = 5000;

let shared: Promise<CacheStore> | undefined;
let unavailableUntil = 0;

/** The cache cannot be reached; callers serve without it (rate limits open, reads from the database). */
export class CacheUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the cache is unreachable', { cause });
    this.name = 'CacheUnavailableError';
  }
}

/**
 * The process's cache, connected on first use and reused by every invocation of the container:
 * - REDIS_URL (the local platform, tests): that Valkey or Redis server, keys prefixed with REDIS_KEY_PREFIX;
 * - CACHE_ENDPOINT (AWS, `host:port` of ElastiCache Serverless) with CACHE_SECRET_ARN (the user and password):
 *   cluster mode over TLS;
 * - neither: the in-process store (`npm start`'s embedded default).
 * A failed connection is forgotten, and for RECONNECT_AFTER_MS every call rejects with CacheUnavailableError
 * without trying again, so an outage costs a request nothing.
 */
export function sharedCache(): Promise<CacheStore> {
  if (shared) return shared;
  if (Date.now() < unavailableUntil) return Promise.reject(new CacheUnavailableError('recently refused'));
  const connecting = connect(process.env).catch((error: unknown) => {
    if (shared === connecting) shared = undefined;
    unavailableUntil = Date.now() + RECONNECT_AFTER_MS;
    throw new CacheUnavailableError(error);
  });
  shared = connecting;
  return connecting;
}

/** For tests and the local platform: use this store as the process's shared one (undefined: from env again). */
export function useSharedCache(store: CacheStore | undefined): void {
  shared = store ? Promise.resolve(store) : undefined;
  unavailableUntil = 0;
}

/** Closes the shared store's connection, if one was made (the local platform's shutdown, tests). */
export async function closeSharedCache(): Promise<void> {
  const current = shared;
  shared = undefined;
  unavailableUntil = 0;
  if (current) await (await current.catch(() => undefined))?.close();
}

export async function connect(env: NodeJS.ProcessEnv): Promise<CacheStore> {
  const settings = await settingsFromEnvironment(env);
  return settings ? RedisCacheStore.connect(settings) : new MemoryCacheStore();
}

/** Where the cache is: a server's settings, or undefined for the in-process store. */
export async function settingsFromEnvironment(
  env: NodeJS.ProcessEnv,
): Promise<RedisStoreSettings | undefined> {
  const keyPrefix = env.REDIS_KEY_PREFIX || undefined;
  if (env.REDIS_URL) return { url: env.REDIS_URL, keyPrefix };
  if (!env.CACHE_ENDPOINT) return undefined;
  const [host, port] = env.CACHE_ENDPOINT.split(':');
  if (!host || !/^\d+$/.test(port ?? '')) {
    throw new Error(`CACHE_ENDPOINT must be host:port, got ${env.CACHE_ENDPOINT}`);
  }
  if (!env.CACHE_SECRET_ARN) throw new Error('set CACHE_SECRET_ARN (the cache user) with CACHE_ENDPOINT');
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const secret = await getSecret<{ username?: string; password?: string }>(env.CACHE_SECRET_ARN, {
    transform: 'json',
    maxAge: 300,
  });
  if (!secret?.username || !secret.password) throw new Error('the cache secret has no username or password');
  return {
    cluster: { host, port: Number(port), username: secret.username, password: secret.password },
    keyPrefix,
  };
}
