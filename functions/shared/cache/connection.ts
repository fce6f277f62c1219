import { cacheAuthToken } from './iam-token';
import { MemoryCacheStore } from './memory-store';
import type { CacheStore } from './ports';
import { RedisCacheStore, type RedisStoreSettings } from './redis-store';

/** After a failed connection, calls fail at once for this long instead of each waiting on another attempt. */
const RECONNECT_AFTER_MS = 5000;

/** The cache cannot be reached; callers serve without it (rate limits open, reads from the database). */
export class CacheUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the cache is unreachable', { cause });
    this.name = 'CacheUnavailableError';
  }
}

/**
 * One connection to the cache, made on first use and reused by every invocation of the container. A failed
 * connection is forgotten, and for RECONNECT_AFTER_MS every call rejects with CacheUnavailableError without trying
 * again, so an outage costs a request nothing. A store that stops being usable (its connection ended, its sign-in
 * was refused) is closed and replaced at the next call.
 */
export class CacheConnection {
  private pending: Promise<CacheStore> | undefined;
  private store: CacheStore | undefined;
  private unavailableUntil = 0;

  constructor(private readonly open: () => Promise<CacheStore>) {}

  get(): Promise<CacheStore> {
    if (this.store && !this.store.usable()) {
      void this.store.close().catch(() => undefined);
      this.store = undefined;
      this.pending = undefined;
    }
    if (this.pending) return this.pending;
    if (Date.now() < this.unavailableUntil) {
      return Promise.reject(new CacheUnavailableError('recently refused'));
    }
    const connecting = this.open().then(
      (store) => {
        if (this.pending === connecting) this.store = store;
        return store;
      },
      (error: unknown) => {
        if (this.pending === connecting) this.pending = undefined;
        this.unavailableUntil = Date.now() + RECONNECT_AFTER_MS;
        throw new CacheUnavailableError(error);
      },
    );
    this.pending = connecting;
    return connecting;
  }

  /** Uses this store from now on (undefined: connect again on the next call). */
  use(store: CacheStore | undefined): void {
    this.store = store;
    this.pending = store ? Promise.resolve(store) : undefined;
    this.unavailableUntil = 0;
  }

  /** Closes the connection, if one was made. */
  async close(): Promise<void> {
    const current = this.pending;
    this.use(undefined);
    if (current) await (await current.catch(() => undefined))?.close();
  }
}

const processConnection = new CacheConnection(() => connect(process.env));

/**
 * The process's cache:
 * - REDIS_URL (the local platform, tests): that Valkey or Redis server, keys prefixed with REDIS_KEY_PREFIX;
 * - CACHE_ENDPOINT (AWS: `host:port` of ElastiCache Serverless), CACHE_NAME and CACHE_USER: cluster mode over
 *   TLS, signed in with an IAM token;
 * - neither: the in-process store (`npm start`'s embedded default).
 */
export function sharedCache(): Promise<CacheStore> {
  return processConnection.get();
}

/** For tests and the local platform: use this store as the process's shared one (undefined: from env again). */
export function useSharedCache(store: CacheStore | undefined): void {
  processConnection.use(store);
}

/** Closes the shared store's connection, if one was made (the local platform's shutdown, tests). */
export function closeSharedCache(): Promise<void> {
  return processConnection.close();
}

export async function connect(env: NodeJS.ProcessEnv): Promise<CacheStore> {
  const settings = settingsFromEnvironment(env);
  return settings ? RedisCacheStore.connect(settings) : new MemoryCacheStore();
}

/** Where the cache is: a server's settings, or undefined for the in-process store. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): RedisStoreSettings | undefined {
  const keyPrefix = env.REDIS_KEY_PREFIX || undefined;
  if (env.REDIS_URL) return { url: env.REDIS_URL, keyPrefix };
  if (!env.CACHE_ENDPOINT) return undefined;
  const [host, port] = env.CACHE_ENDPOINT.split(':');
  if (!host || !/^\d+$/.test(port ?? '')) {
    throw new Error(`CACHE_ENDPOINT must be host:port, got ${env.CACHE_ENDPOINT}`);
  }
  const missing = ['CACHE_NAME', 'CACHE_USER', 'AWS_REGION'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`set ${missing.join(', ')} with CACHE_ENDPOINT (IAM authentication to the cache)`);
  }
  const user = { cacheName: env.CACHE_NAME!, userId: env.CACHE_USER!, region: env.AWS_REGION! };
  return {
    cluster: { host, port: Number(port) },
    username: user.userId,
    password: () => cacheAuthToken(user),
    keyPrefix,
  };
}
