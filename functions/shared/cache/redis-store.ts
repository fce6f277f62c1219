import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { CacheStore, ChargeRequest, ChargeResult } from './ports';

/**
 * GCRA in one script (the arithmetic of gcra.ts), on the server's clock so that Lambdas with drifting clocks share
 * one budget. KEYS: the bucket, then optionally the marker and the bucket charged instead when the marker exists.
 * ARGV: limit and period (ms) of the bucket, then of the other one. Returns allowed, which bucket, remaining,
 * seconds to reset, seconds to retry. The TAT is written with %.3f: Lua's default number format keeps 14
 * digits and would round an epoch in milliseconds.
 */
const CHARGE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local key, limit, period, charged = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), 0
if #KEYS == 3 and redis.call('EXISTS', KEYS[2]) == 1 then
  key, limit, period, charged = KEYS[3], tonumber(ARGV[3]), tonumber(ARGV[4]), 1
end
local emission = period / limit
local tat = tonumber(redis.call('GET', key)) or now
if tat < now then tat = now end
local nxt = tat + emission
local allow_at = nxt - period
if now < allow_at then
  return {0, charged, 0, math.ceil((tat - now) / 1000), math.max(1, math.ceil((allow_at - now) / 1000))}
end
redis.call('SET', key, string.format('%.3f', nxt), 'PX', math.max(1, math.ceil(nxt - now)))
return {1, charged, math.floor((now - allow_at) / emission), math.ceil((nxt - now) / 1000), 0}
`;

type Client = Redis | Cluster;
type ChargeCommand = (numKeys: number, ...keysAndArgs: (string | number)[]) => Promise<number[]>;

/** Fail fast: a request never waits on a cache that does not answer (the callers fail open). */
const FAIL_FAST = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 1000,
  commandTimeout: 250,
  retryStrategy: (times: number) => Math.min(times * 200, 2000),
} satisfies RedisOptions;

export interface RedisStoreSettings {
  /** A redis:// or rediss:// URL (a local server, tests); its path may name a database index. */
  url?: string;
  /** A cluster-mode endpoint reached over TLS (ElastiCache Serverless). */
  cluster?: { host: string; port: number };
  /** The user to sign in as, with `password`, where the URL does not say. */
  username?: string;
  /**
   * The password, asked for at each connection: an IAM token is valid for 15 minutes only. A store given one does
   * not reconnect by itself: once its connection ends (a network break, ElastiCache's 12-hour limit) or a sign-in
   * is refused, it stops being `usable` and the process connects anew with a fresh password (connection.ts).
   */
  password?: () => Promise<string>;
  /** Put in front of every key (tests share a server without sharing keys). */
  keyPrefix?: string;
}

/** Valkey or Redis through ioredis: one connection per process, one round trip per operation. */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'valkey' as const;

  private signInRefused = false;

  private constructor(
    private readonly client: Client,
    private readonly reconnects: boolean,
  ) {
    // Errors surface on the calls that fail; the client's own 'error' events would otherwise crash the process.
    client.on('error', (error: unknown) => this.notice(error));
    client.on('node error', (error: unknown) => this.notice(error));
  }

  /** Connects (a refused or silent server fails here, within connectTimeout). */
  static async connect(settings: RedisStoreSettings): Promise<RedisCacheStore> {
    const password = settings.password ? await settings.password() : undefined;
    // A fixed password would be stale by the next connection: with one that expires, the store ends instead.
    const retries = settings.password ? { retryStrategy: () => null } : {};
    const signIn = { username: settings.username, password, ...retries };
    const client = settings.cluster
      ? new Cluster([{ host: settings.cluster.host, port: settings.cluster.port }], {
          ...FAIL_FAST,
          ...(settings.password ? { clusterRetryStrategy: () => null } : {}),
          // TLS certificates name the endpoint, not the node addresses the cluster reports.
          dnsLookup: (address, callback) => callback(null, address),
          slotsRefreshTimeout: 2000,
          keyPrefix: settings.keyPrefix,
          redisOptions: { ...FAIL_FAST, tls: {}, ...signIn },
        } satisfies ClusterOptions)
      : new Redis(settings.url ?? 'redis://127.0.0.1:6379', {
          ...FAIL_FAST,
          ...signIn,
          keyPrefix: settings.keyPrefix,
        });
    client.defineCommand('rampayCharge', { lua: CHARGE_LUA });
    const store = new RedisCacheStore(client, !settings.password);
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw error;
    }
    return store;
  }

  /** False once the connection has ended for good or a sign-in was refused: connect anew. */
  usable(): boolean {
    if (this.signInRefused) return false;
    return this.reconnects || this.client.status !== 'end';
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const { bucket, unless } = request;
    const command = (this.client as unknown as { rampayCharge: ChargeCommand }).rampayCharge.bind(
      this.client,
    );
    const reply = await this.observed(() =>
      unless
        ? command(
            3,
            bucket.key,
            unless.marker,
            unless.instead.key,
            bucket.rate.limit,
            bucket.rate.periodSeconds * 1000,
            unless.instead.rate.limit,
            unless.instead.rate.periodSeconds * 1000,
          )
        : command(1, bucket.key, bucket.rate.limit, bucket.rate.periodSeconds * 1000),
    );
    const [allowed, charged, remaining, resetSeconds, retryAfterSeconds] = reply.map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return {
      allowed: allowed === 1,
      charged: charged === 1 ? 'instead' : 'bucket',
      remaining,
      resetSeconds,
      retryAfterSeconds,
    };
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.observed(() => this.client.get(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.observed(() => this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000))));
  }

  async del(key: string): Promise<void> {
    await this.observed(() => this.client.del(key));
  }

  /** Runs a command, noting a refused sign-in before passing its error on. */
  private async observed<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.notice(error);
      throw error;
    }
  }

  private notice(error: unknown): void {
    if (isSignInRefusal(error)) this.signInRefused = true;
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** For the idempotency-store comparison: Powertools' CachePersistenceLayer speaks node-redis' option objects. */
  powertoolsClient(): {
    get(name: string): Promise<string | null>;
    set(name: string, value: unknown, options?: { EX?: number; NX?: boolean }): Promise<string | null>;
    del(keys: string[]): Promise<number>;
  } {
    const client = this.client;
    return {
      get: (name) => client.get(name),
      set: (name, value, options) => {
        const args: (string | number)[] = [];
        if (options?.EX) args.push('EX', options.EX);
        if (options?.NX) args.push('NX');
        return (client.set as (...a: unknown[]) => Promise<string | null>)(name, String(value), ...args);
      },
      del: (keys) => client.del(...keys),
    };
  }
}

/** Valkey's answers to a wrong or expired password (AUTH, HELLO) or to a command sent without signing in. */
function isSignInRefusal(error: unknown): boolean {
  return error instanceof Error && /^(WRONGPASS|NOAUTH)/.test(error.message);
}
