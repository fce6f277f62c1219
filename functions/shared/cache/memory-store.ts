import { gcra } from './gcra';
import type { Bucket, CacheStore, ChargeRequest, ChargeResult } from './ports';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Past this many entries a write first sweeps the expired ones, so an idle key never lingers for ever. */
const SWEEP_ABOVE = 50_000;

/**
 * The in-process stand-in for Valkey: the embedded default of `npm start` and of tests without REDIS_URL. One
 * process, one budget: right for the local platform, where every handler runs in the same process; wrong on AWS,
 * where each Lambda container would keep its own, so a deployed function always has a server (CACHE_ENDPOINT).
 */
export class MemoryCacheStore implements CacheStore {
  readonly kind = 'in-process' as const;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: () => number = Date.now) {}

  usable(): boolean {
    return true;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const now = this.clock();
    if (request.unless && this.read(request.unless.marker, now) !== undefined) {
      return { ...this.take(request.unless.instead, now), charged: 'instead' };
    }
    return { ...this.take(request.bucket, now), charged: 'bucket' };
  }

  async get(key: string): Promise<string | undefined> {
    return this.read(key, this.clock());
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.write(key, value, this.clock() + ttlSeconds * 1000);
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private take(bucket: Bucket, now: number): Omit<ChargeResult, 'charged'> {
    const stored = this.read(bucket.key, now);
    const { result, newTat } = gcra(stored === undefined ? undefined : Number(stored), now, bucket.rate);
    if (newTat !== undefined) this.write(bucket.key, String(newTat), newTat);
    return result;
  }

  private read(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write(key: string, value: string, expiresAt: number): void {
    if (this.entries.size > SWEEP_ABOVE) {
      const now = this.clock();
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    }
    this.entries.set(key, { value, expiresAt });
  }
}
