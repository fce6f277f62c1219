import { createHash } from 'node:crypto';
import { errorFacts } from '../error-facts';
import { logger } from '../logger';
import type { CacheStore } from './ports';

export interface CachedRead<T> {
  cache: () => Promise<CacheStore>;
  /** What is read, e.g. 'analytics:summary'. */
  name: string;
  /** Whose data it is and every input that changes the answer: hashed into the key. */
  parts: readonly unknown[];
  /** How stale an answer may be: a write shows in the answer at most this many seconds later. */
  ttlSeconds: number;
  read: () => Promise<T>;
}

/**
 * A read served from the cache for `ttlSeconds` after it was first made (cache-aside). Only for reads that
 * tolerate that much staleness: never a payment's status or what is left to refund. A cache that does not answer
 * costs nothing but the saving: the read goes to the database.
 */
export async function cachedRead<T>(options: CachedRead<T>): Promise<T> {
  const digest = createHash('sha256').update(JSON.stringify(options.parts)).digest('base64url').slice(0, 27);
  const key = `${options.name}:${digest}`;
  let store: CacheStore | undefined;
  try {
    store = await options.cache();
    const hit = await store.get(key);
    if (hit !== undefined) return JSON.parse(hit) as T;
  } catch (error) {
    logger.warn('cached read skipped: the cache did not answer', {
      ...errorFacts(error),
      read: options.name,
    });
    store = undefined;
  }
  const value = await options.read();
  if (store) {
    await store.set(key, JSON.stringify(value), options.ttlSeconds).catch((error: unknown) => {
      logger.warn('cached read not stored: the cache did not answer', {
        ...errorFacts(error),
        read: options.name,
      });
    });
  }
  return value;
}
