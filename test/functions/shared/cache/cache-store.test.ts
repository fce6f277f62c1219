import fc from 'fast-check';
import { gcra } from '../../../../functions/shared/cache/gcra';
import { MemoryCacheStore } from '../../../../functions/shared/cache/memory-store';
import type { CacheStore, Rate } from '../../../../functions/shared/cache/ports';
import { onRedis, startTestCache } from '../../../support/cache';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`the cache store (${onRedis ? 'REDIS_URL server' : 'in process'})`, () => {
  let store: CacheStore;
  beforeEach(async () => {
    store = await startTestCache();
  });
  afterEach(() => store.close());

  it('lets `limit` requests through at once, then refuses with the seconds until one fits', async () => {
    const rate: Rate = { limit: 5, periodSeconds: 10 };
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await store.charge({ bucket: { key: 'rl:{m}:writes', rate } }));
    expect(results.slice(0, 5).map((r) => r.allowed)).toEqual([true, true, true, true, true]);
    expect(results.slice(0, 5).map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0]);
    const refused = results[5]!;
    expect(refused).toMatchObject({ allowed: false, remaining: 0, charged: 'bucket' });
    // One request frees up every period / limit = 2 s.
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(refused.resetSeconds).toBeLessThanOrEqual(10);
  });

  it('shares one budget between concurrent callers: exactly `limit` of 60 simultaneous requests pass', async () => {
    const rate: Rate = { limit: 20, periodSeconds: 60 };
    const results = await Promise.all(
      Array.from({ length: 60 }, () => store.charge({ bucket: { key: 'rl:{m}:reads', rate } })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
  });

  it('keeps buckets apart: one exhausted bucket leaves another whole', async () => {
    const rate: Rate = { limit: 1, periodSeconds: 60 };
    await store.charge({ bucket: { key: 'rl:{noisy}:writes', rate } });
    expect((await store.charge({ bucket: { key: 'rl:{noisy}:writes', rate } })).allowed).toBe(false);
    expect((await store.charge({ bucket: { key: 'rl:{quiet}:writes', rate } })).allowed).toBe(true);
  });

  it('refills: a refused bucket lets a request through once the emission interval has passed', async () => {
    const rate: Rate = { limit: 2, periodSeconds: 1 };
    await store.charge({ bucket: { key: 'rl:{m}:refill', rate } });
    await store.charge({ bucket: { key: 'rl:{m}:refill', rate } });
    expect((await store.charge({ bucket: { key: 'rl:{m}:refill', rate } })).allowed).toBe(false);
    await sleep(550);
    expect((await store.charge({ bucket: { key: 'rl:{m}:refill', rate } })).allowed).toBe(true);
  });

  it('charges the other bucket when the marker exists (a replay counts as a read)', async () => {
    const writes = { key: 'rl:{m}:writes', rate: { limit: 1, periodSeconds: 60 } };
    const reads = { key: 'rl:{m}:reads', rate: { limit: 100, periodSeconds: 60 } };
    const request = { bucket: writes, unless: { marker: 'rl:{m}:seen:k1', instead: reads } };
    expect(await store.charge(request)).toMatchObject({ allowed: true, charged: 'bucket' });
    expect(await store.charge(request)).toMatchObject({ allowed: false, charged: 'bucket' });
    await store.set('rl:{m}:seen:k1', '1', 60);
    expect(await store.charge(request)).toMatchObject({ allowed: true, charged: 'instead', remaining: 99 });
  });

  it('forgets a value after its TTL', async () => {
    await store.set('hot:one', 'v1', 0.3);
    expect(await store.get('hot:one')).toBe('v1');
    await sleep(400);
    expect(await store.get('hot:one')).toBeUndefined();
    await store.set('hot:two', 'v2', 60);
    await store.del('hot:two');
    expect(await store.get('hot:two')).toBeUndefined();
  });
});

describe('GCRA', () => {
  it('never lets more than limit + elapsed / interval requests through, whatever the arrival times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 200 }),
        (limit, periodSeconds, gaps) => {
          let now = 1_700_000_000_000;
          const start = now;
          let tat: number | undefined;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            const { result, newTat } = gcra(tat, now, { limit, periodSeconds });
            if (result.allowed) {
              allowed++;
              tat = newTat;
            }
          }
          const interval = (periodSeconds * 1000) / limit;
          return allowed <= limit + Math.floor((now - start) / interval);
        },
      ),
    );
  });

  it('the in-process store follows its clock', async () => {
    let now = 1_700_000_000_000;
    const store = new MemoryCacheStore(() => now);
    const rate = { limit: 1, periodSeconds: 10 };
    expect((await store.charge({ bucket: { key: 'b', rate } })).allowed).toBe(true);
    expect((await store.charge({ bucket: { key: 'b', rate } })).retryAfterSeconds).toBe(10);
    now += 10_000;
    expect((await store.charge({ bucket: { key: 'b', rate } })).allowed).toBe(true);
  });
});
