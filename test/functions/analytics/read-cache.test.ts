/**
 * The summary and timeseries are served from the cache for ANALYTICS_CACHE_SECONDS: a new payment shows in them
 * once that TTL has passed, never later; each merchant's answers are cached apart.
 */
import { handler as summaryHandler } from '../../../functions/analytics/handlers/summary';
import { handler as timeseriesHandler } from '../../../functions/analytics/handlers/timeseries';
import { ANALYTICS_CACHE_SECONDS } from '../../../functions/analytics/read-cache';
import { closeSharedCache, useSharedCache } from '../../../functions/shared/cache/connection';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { call } from '../../support/api';
import { onRedis, startTestCache } from '../../support/cache';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { analyticsHandler, deliver, event, payment } from './fixtures';

let db: TestDatabase;
const READ = ['analytics:read'];
const RANGE = 'from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z';
const AT = new Date('2026-11-24T10:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
  useSharedCache(await startTestCache());
}, 120_000);
afterAll(async () => {
  await closeSharedCache();
  await db.stop();
});

const created = async (merchantId: string) =>
  (await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}`, { scopes: READ, merchantId })).body.counts
    .created as number;
const charted = async (merchantId: string) =>
  (
    (
      await call(
        timeseriesHandler,
        'GET',
        `/analytics/timeseries?metric=payments_created&interval=1d&${RANGE}`,
        {
          scopes: READ,
          merchantId,
        },
      )
    ).body.points as { value: number }[]
  ).reduce((sum, p) => sum + p.value, 0);

it(`shows a write after the ${ANALYTICS_CACHE_SECONDS} s TTL (${onRedis ? 'REDIS_URL server' : 'in process'})`, async () => {
  const merchantId = 'merchant_cached';
  const handler = analyticsHandler(db.sql);
  await deliver(handler, [event('PaymentCreated', payment({ merchantId }), AT)]);
  const firstRead = Date.now();
  expect(await created(merchantId)).toBe(1);
  expect(await charted(merchantId)).toBe(1);

  await deliver(handler, [event('PaymentCreated', payment({ merchantId }), AT)]);
  const written = Date.now();
  const stale = [await created(merchantId), await charted(merchantId)];
  // Served from the cache while the TTL runs (when the machine was fast enough to ask within it).
  if (Date.now() - firstRead < ANALYTICS_CACHE_SECONDS * 1000 - 500) expect(stale).toEqual([1, 1]);
  // Another merchant's answer is its own, not the cached one.
  expect(await created('merchant_uncached')).toBe(0);

  await sleep(Math.max(0, written + ANALYTICS_CACHE_SECONDS * 1000 + 100 - Date.now()));
  expect(await created(merchantId)).toBe(2);
  expect(await charted(merchantId)).toBe(2);
}, 60_000);
