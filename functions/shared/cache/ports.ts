/**
 * The cache tier's port: what RamPay asks of Valkey (or Redis), and of the in-process store that stands in for it
 * when no server is configured. Nothing here is the only copy of anything: every value can be lost (eviction, a
 * restart, an outage) and the database stays the record.
 */

/** A budget: `limit` requests per `periodSeconds`, of which all may come at once (the burst is the limit). */
export interface Rate {
  limit: number;
  periodSeconds: number;
}

/** One bucket to charge: its key and its rate. */
export interface Bucket {
  key: string;
  rate: Rate;
}

export interface ChargeRequest {
  /** The bucket charged by default. */
  bucket: Bucket;
  /**
   * When `marker` exists, `bucket` is left alone and `instead` is charged (an idempotent replay counts as a read).
   * The three keys live in one hash slot (a `{merchant}` hash tag), so one script can touch them all.
   */
  unless?: { marker: string; instead: Bucket };
}

export interface ChargeResult {
  /** The request fits the budget (the bucket was charged) or not (nothing was charged). */
  allowed: boolean;
  /** Which bucket the decision is about: the default one, or `instead` when the marker existed. */
  charged: 'bucket' | 'instead';
  /** Requests left right now in that bucket. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** When refused: seconds until one request fits (at least 1). 0 when allowed. */
  retryAfterSeconds: number;
}

/** The operations RamPay needs from a Valkey/Redis server. Every method may throw when the server is unreachable. */
export interface CacheStore {
  /** Charges one request to a bucket atomically (GCRA): concurrent callers anywhere share one budget. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  get(key: string): Promise<string | undefined>;
  /** Stores a value for `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /** False when the connection is gone for good and the process should connect anew. */
  usable(): boolean;
  /** Releases the connection (tests, the local platform's shutdown). */
  close(): Promise<void>;
  /** 'valkey' for a server, 'in-process' for the stand-in (logs, the benchmark). */
  readonly kind: 'valkey' | 'in-process';
}
