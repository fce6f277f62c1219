import net from 'node:net';
import { closeSharedCache, useSharedCache } from '../../../../functions/shared/cache/connection';
import { useSharedSql } from '../../../../functions/shared/db/connection';
import { handler as createPayment } from '../../../../functions/payments/handlers/create-payment';
import { handler as getPayment } from '../../../../functions/payments/handlers/get-payment';
import { handler as listPayments } from '../../../../functions/payments/handlers/list-payments';
import { handler as health } from '../../../../functions/payments/handlers/health';
import type { RateLimitSettingsInput } from '../../../../functions/shared/http/rate-limit-settings';
import { call, paymentRequest } from '../../../support/api';
import { onRedis, startTestCache } from '../../../support/cache';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { captureLogLines } from '../../../support/log-lines';
import { mockSns } from '../../../support/sns';

mockSns();
let db: TestDatabase;
let seq = 0;
const newKey = () => `rl-${Date.now()}-${++seq}`;
const merchant = () => `rl_merchant_${Date.now()}_${++seq}`;

const limits = (settings: Partial<RateLimitSettingsInput> = {}) => {
  process.env.RATE_LIMITS = JSON.stringify({
    defaults: {
      reads: { limit: 3, periodSeconds: 60 },
      writes: { limit: 2, periodSeconds: 60 },
      refunds: { limit: 1, periodSeconds: 60 },
      reviews: { limit: 1, periodSeconds: 60 },
    },
    ...settings,
  });
};

const payments = async (merchantId: string) =>
  (
    await db.sql<{ n: number }[]>`select count(*)::int as n from payments where merchant_id = ${merchantId}`
  )[0]!.n;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
}, 120_000);
beforeEach(async () => {
  useSharedCache(await startTestCache());
  limits();
});
afterEach(() => closeSharedCache());
afterAll(async () => {
  delete process.env.RATE_LIMITS;
  await db.stop();
});

describe(`per-merchant rate limits (${onRedis ? 'REDIS_URL server' : 'in process'})`, () => {
  it('answers every request with RateLimit-Policy and RateLimit, errors included', async () => {
    const m = merchant();
    const ok = await call(listPayments, 'GET', '/payments', { merchantId: m });
    expect(ok.status).toBe(200);
    expect(ok.headers['ratelimit-policy']).toBe('"reads";q=3;w=60');
    expect(ok.headers.ratelimit).toMatch(/^"reads";r=2;t=\d+$/);
    const missing = await call(getPayment, 'GET', '/payments/pay_00000000000000000000000000', {
      merchantId: m,
    });
    expect(missing.status).toBe(404);
    expect(missing.headers['ratelimit-policy']).toBe('"reads";q=3;w=60');
    expect(missing.headers.ratelimit).toMatch(/^"reads";r=1;t=\d+$/);
  });

  it('refuses a merchant over its limit with a 429 problem naming the limit, before any database work', async () => {
    const m = merchant();
    for (let i = 0; i < 2; i++) {
      const created = await call(createPayment, 'POST', '/payments', {
        body: paymentRequest(),
        headers: { 'idempotency-key': newKey() },
        merchantId: m,
      });
      expect(created.status).toBe(201);
    }
    const refused = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': newKey() },
      merchantId: m,
    });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-policy']).toBe('"writes";q=2;w=60');
    expect(refused.headers.ratelimit).toMatch(/^"writes";r=0;t=\d+$/);
    expect(refused.body).toMatchObject({
      type: 'https://rampay.dev/problems/rate-limited',
      status: 429,
      limit: 'writes',
      quota: 2,
      windowSeconds: 60,
    });
    expect(refused.body.detail).toContain('writes limit of 2 requests per 60 s');
    expect(refused.body.detail).toMatch(/retry in \d+ s/);
    expect(await payments(m)).toBe(2);
    // Its reads are a budget of their own.
    expect((await call(listPayments, 'GET', '/payments', { merchantId: m })).status).toBe(200);
  });

  it('never touches another merchant: a merchant at its limit leaves the others theirs', async () => {
    const noisy = merchant();
    const quiet = merchant();
    for (let i = 0; i < 5; i++) await call(listPayments, 'GET', '/payments', { merchantId: noisy });
    expect((await call(listPayments, 'GET', '/payments', { merchantId: noisy })).status).toBe(429);
    const answer = await call(listPayments, 'GET', '/payments', { merchantId: quiet });
    expect(answer.status).toBe(200);
    expect(answer.headers.ratelimit).toMatch(/^"reads";r=2;/);
  });

  it("applies a merchant's override instead of the default", async () => {
    const big = merchant();
    limits({ merchants: { [big]: { reads: { limit: 10, periodSeconds: 60 } } } });
    const answer = await call(listPayments, 'GET', '/payments', { merchantId: big });
    expect(answer.headers['ratelimit-policy']).toBe('"reads";q=10;w=60');
    expect(
      (await call(listPayments, 'GET', '/payments', { merchantId: merchant() })).headers['ratelimit-policy'],
    ).toBe('"reads";q=3;w=60');
  });

  it('counts an idempotent replay as a read, not a write', async () => {
    const m = merchant();
    const key = newKey();
    const body = paymentRequest();
    const first = await call(createPayment, 'POST', '/payments', {
      body,
      headers: { 'idempotency-key': key },
      merchantId: m,
    });
    expect(first.status).toBe(201);
    expect(first.headers.ratelimit).toMatch(/^"writes";r=1;/);
    for (let i = 0; i < 2; i++) {
      const replay = await call(createPayment, 'POST', '/payments', {
        body,
        headers: { 'idempotency-key': key },
        merchantId: m,
      });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['ratelimit-policy']).toBe('"reads";q=3;w=60');
    }
    // The writes budget still has its second request.
    const second = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': newKey() },
      merchantId: m,
    });
    expect(second.status).toBe(201);
    expect(second.headers.ratelimit).toMatch(/^"writes";r=0;/);
  });

  it('leaves public routes (health) unlimited', async () => {
    for (let i = 0; i < 5; i++)
      expect((await call(health, 'GET', '/health', { anonymous: true })).status).toBe(200);
  });
});

describe('when the cache does not answer', () => {
  let closedPort: number;
  beforeAll(async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves without a limit (fail open), with a warning and the RateLimitCacheUnavailable metric', async () => {
    const saved = { url: process.env.REDIS_URL, env: process.env.RAMPAY_ENV };
    process.env.REDIS_URL = `redis://127.0.0.1:${closedPort}`;
    process.env.RAMPAY_ENV = 'test';
    await closeSharedCache();
    const m = merchant();
    const log = captureLogLines();
    let answers;
    try {
      answers = [];
      // More than the limit of 3: every one is served.
      for (let i = 0; i < 5; i++)
        answers.push(await call(listPayments, 'GET', '/payments', { merchantId: m }));
    } finally {
      log.restore();
      process.env.REDIS_URL = saved.url;
      if (saved.url === undefined) delete process.env.REDIS_URL;
      process.env.RAMPAY_ENV = saved.env;
      if (saved.env === undefined) delete process.env.RAMPAY_ENV;
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.headers['ratelimit-policy']).toBe('"reads";q=3;w=60');
    expect(answers[0]!.headers.ratelimit).toBeUndefined();
    const warnings = log.lines.filter(
      (l) => l.level === 'WARN' && String(l.message).startsWith('rate limit not checked'),
    );
    expect(warnings).toHaveLength(5);
    const emf = log.lines.filter((l) => 'RateLimitCacheUnavailable' in l);
    expect(emf).toHaveLength(5);
    expect(emf[0]).toMatchObject({ environment: 'test', RateLimitCacheUnavailable: 1 });
  });
});

describe('the OpenAPI document', () => {
  it('declares the RateLimit headers on every merchant route, and the 429 with Retry-After', async () => {
    const { openApiDocument } = await import('../../../../functions/api/openapi');
    const doc = openApiDocument() as {
      paths: Record<
        string,
        Record<
          string,
          { security: unknown[]; responses: Record<string, { headers?: Record<string, unknown> }> }
        >
      >;
      components: { headers: Record<string, unknown> };
    };
    expect(Object.keys(doc.components.headers)).toEqual(['RateLimit-Policy', 'RateLimit', 'Retry-After']);
    let limited = 0;
    for (const operations of Object.values(doc.paths)) {
      for (const operation of Object.values(operations)) {
        if (operation.security.length === 0) {
          expect(operation.responses['429']).toBeUndefined();
          continue;
        }
        limited++;
        for (const response of Object.values(operation.responses)) {
          expect(Object.keys(response.headers ?? {})).toEqual(
            expect.arrayContaining(['RateLimit-Policy', 'RateLimit']),
          );
        }
        expect(Object.keys(operation.responses['429']!.headers!)).toContain('Retry-After');
      }
    }
    expect(limited).toBeGreaterThan(5);
  });
});
