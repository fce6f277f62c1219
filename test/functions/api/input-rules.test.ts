/**
 * One regression test for each class of hostile input the API once answered with a 500, a silent
 * misreading, a leak or another merchant's data; through the real handlers on a real database.
 */
import { handler as createPayment } from '../../../functions/payments/handlers/create-payment';
import { handler as createRefund } from '../../../functions/payments/handlers/create-refund';
import { handler as getPayment } from '../../../functions/payments/handlers/get-payment';
import { handler as listPayments } from '../../../functions/payments/handlers/list-payments';
import { handler as decideReview } from '../../../functions/fraud/handlers/decide-review';
import { handler as summary } from '../../../functions/analytics/handlers/summary';
import { handler as timeseries } from '../../../functions/analytics/handlers/timeseries';
import { ALL_MERCHANTS } from '../../../functions/analytics/ports';
import { merchantScope } from '../../../functions/analytics/use-cases/scope';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { duplicateKey } from '../../../functions/shared/http/input/body';
import { call, paymentRequest } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { captureLogLines } from '../../support/log-lines';
import { mockSns } from '../../support/sns';

mockSns();
let db: TestDatabase;
let seq = 0;
const key = () => `rules-${++seq}`;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
});
afterAll(() => db.stop());

/** Every row of every table, to show that a refused request wrote nothing. */
async function everything(): Promise<unknown> {
  const rows = await db.sql`
    select (select count(*) from payments)::int as payments, (select count(*) from outbox)::int as outbox,
      (select count(*) from refunds)::int as refunds, (select count(*) from idempotency_records)::int as keys`;
  return rows[0];
}

async function refused(
  send: () => ReturnType<typeof call>,
  status: number,
  detail: RegExp,
): Promise<Record<string, unknown>> {
  const before = await everything();
  const res = await send();
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.body.detail).toMatch(detail);
  expect(await everything()).toEqual(before);
  return res.body;
}

const post = (body: unknown, merchantId = 'merchant_a') =>
  call(createPayment, 'POST', '/payments', { body, headers: { 'idempotency-key': key() }, merchantId });

describe('cross-tenant reads', () => {
  it('refuses a token whose merchant is * (or anything but a merchant id) before any analytics', async () => {
    for (const merchantId of ['*', '%', 'a b']) {
      await refused(
        () => call(summary, 'GET', '/analytics/summary', { merchantId, scopes: ['analytics:read'] }),
        401,
        /merchant_id claim must be 1 to 64 characters/,
      );
      await refused(
        () =>
          call(timeseries, 'GET', '/analytics/timeseries?metric=payments_created', {
            merchantId,
            scopes: ['analytics:read'],
          }),
        401,
        /merchant_id/,
      );
    }
  });

  it('gives every merchant only to analytics:admin, as a value no merchant id can equal', async () => {
    const reader = { merchantId: 'merchant_a', subject: 's', scopes: new Set(['analytics:read']) };
    const admin = { ...reader, scopes: new Set(['analytics:read', 'analytics:admin']) };
    expect(() => merchantScope(reader, '*')).toThrow(/analytics:admin/);
    expect(merchantScope(admin, '*')).toBe(ALL_MERCHANTS);
    expect(merchantScope({ ...reader, merchantId: '*' }, undefined)).not.toBe(ALL_MERCHANTS);
    await refused(
      () => call(summary, 'GET', '/analytics/summary?merchant=*', { scopes: ['analytics:read'] }),
      403,
      /analytics:admin/,
    );
    const all = await call(summary, 'GET', '/analytics/summary?merchant=*', {
      scopes: ['analytics:read', 'analytics:admin'],
    });
    expect(all.status).toBe(200);
    expect(all.body.merchant).toBe('*');
  });
});

describe('strings PostgreSQL cannot store', () => {
  it.each([
    ['description', { description: 'a\u0000b' }],
    ['description', { description: 'lone \ud800' }],
    ['metadata.order', { metadata: { order: 'x\u0000' } }],
    ['metadata', { metadata: { 'k\u0000': 'v' } }],
    [
      'paymentMethod.brand',
      { paymentMethod: { ...(paymentRequest().paymentMethod as object), brand: '\udfff' } },
    ],
  ])('answers 400 naming %s', async (field, overrides) => {
    const body = await refused(() => post(paymentRequest(overrides)), 400, /U\+0000 or an unpaired/);
    expect(body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('refuses them in a refund reason, a review note and the customer filter too', async () => {
    const payment = await post(paymentRequest());
    expect(payment.status).toBe(201);
    await refused(
      () =>
        call(createRefund, 'POST', `/payments/${payment.body.id}/refunds`, {
          body: { reason: 'r\u0000' },
          headers: { 'idempotency-key': key() },
        }),
      400,
      /^reason: .*U\+0000/,
    );
    await refused(
      () =>
        call(decideReview, 'POST', `/reviews/${payment.body.id}/decision`, {
          body: { decision: 'approve', note: '\ud800' },
          headers: { 'idempotency-key': key() },
        }),
      400,
      /^note: .*unpaired/,
    );
    await refused(() => call(listPayments, 'GET', '/payments?customer=cus%00'), 400, /^query\.customer: /);
  });
});

describe('identifiers', () => {
  it('bounds the merchant claim: 64 characters pass, 3 KB and 10 KB are 401, not an index overflow', async () => {
    expect((await post(paymentRequest(), 'm'.repeat(64))).status).toBe(201);
    for (const merchantId of ['m'.repeat(3000), 'm'.repeat(10_000)]) {
      await refused(() => post(paymentRequest(), merchantId), 401, /merchant_id claim/);
    }
  });

  it.each([
    ['customer.id', { customer: { id: 'c'.repeat(256) } }, /at most 255/],
    ['terminalId', { terminalId: 't'.repeat(65) }, /at most 64/],
    ['terminalId', { terminalId: 'web shop' }, /only letters, digits/],
    [
      'paymentMethod.fingerprint',
      { paymentMethod: { type: 'card', fingerprint: 'f'.repeat(65), last4: '4242' } },
      /at most 64/,
    ],
  ])('bounds %s', async (field, overrides, message) => {
    const body = await refused(() => post(paymentRequest(overrides)), 400, message);
    expect(body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('bounds the Idempotency-Key: 1 to 255 visible ASCII characters', async () => {
    for (const idempotencyKey of ['k'.repeat(256), 'ключ', 'a b']) {
      await refused(
        () =>
          call(createPayment, 'POST', '/payments', {
            body: paymentRequest(),
            headers: { 'idempotency-key': idempotencyKey },
          }),
        400,
        /Idempotency-Key header must be 1 to 255 visible ASCII/,
      );
    }
  });
});

describe('paths', () => {
  it.each(['/payments/%E0%A4%A', '/payments/%', '/payments/%ED%A0%80'])(
    'answers malformed percent-encoding (%s) with 400, not a URIError',
    async (path) => {
      const body = await refused(() => call(getPayment, 'GET', path), 400, /percent-encoded/);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'path.id' })]);
    },
  );
});

describe('query strings', () => {
  it('refuses query keys that name the prototype, and repeated parameters are one joined value', async () => {
    const body = await refused(
      () => call(listPayments, 'GET', '/payments?constructor=x'),
      400,
      /not accepted/,
    );
    expect(body.errors).toEqual([expect.objectContaining({ field: 'query.constructor' })]);
    await refused(() => call(listPayments, 'GET', '/payments?limit=1&limit=2'), 400, /^query\.limit: /);
  });
});

describe('dates', () => {
  it.each([
    ['/payments?created_gte=0000-01-01T00:00:00Z', listPayments, /^query\.created_gte: must be from 1970/],
    ['/analytics/summary?to=9999-12-31T23:59:59Z', summary, /^query\.to: must be from 1970/],
    ['/analytics/summary?from=1969-12-31T00:00:00Z', summary, /^query\.from: must be from 1970/],
    [
      '/analytics/timeseries?metric=payments_created&interval=1d&to=3000-01-01T00:00:00Z',
      timeseries,
      /^query\.to: must be from 1970/,
    ],
  ])('refuses %s', async (url, handler, detail) => {
    await refused(() => call(handler, 'GET', url), 400, detail);
  });

  it('answers at both ends of the range, after the range arithmetic too', async () => {
    for (const url of [
      '/analytics/summary?to=1970-01-01T00:00:00.001Z',
      '/analytics/summary?to=2999-12-31T23:59:59.999Z',
      '/analytics/timeseries?metric=payments_created&interval=1d&to=2999-12-31T23:59:59Z',
      '/analytics/timeseries?metric=payments_created&interval=1h&to=1970-01-01T00:30:00Z',
    ]) {
      const handler = url.startsWith('/analytics/summary') ? summary : timeseries;
      const res = await call(handler, 'GET', url);
      expect([url, res.status]).toEqual([url, 200]);
    }
  });
});

describe('JSON bodies', () => {
  it('refuses a key given twice, naming it, and writes nothing', async () => {
    const body = await refused(
      () =>
        call(createPayment, 'POST', '/payments', {
          rawBody: JSON.stringify(paymentRequest()).replace('{', '{"amount":1,'),
          headers: { 'idempotency-key': key() },
        }),
      400,
      /^amount: appears twice/,
    );
    expect(body.errors).toEqual([{ field: 'amount', message: expect.stringMatching(/send each key once/) }]);
  });

  it('finds duplicates in nested objects and inside arrays, and only there', () => {
    expect(duplicateKey('{"customer":{"id":"a","id":"b"}}')).toBe('customer.id');
    expect(duplicateKey('{"a":[{"x":1},{"x":2,"x":3}]}')).toBe('a.1.x');
    expect(duplicateKey('{"a":{"x":1},"b":{"x":1},"s":"\\"x\\":1,\\"x\\""}')).toBeUndefined();
    expect(duplicateKey('{"\\u0061":1,"a":2}')).toBe('a');
  });

  it.each([
    ['"metadata":{"__proto__":{"admin":true}}', 'metadata.__proto__'],
    ['"__proto__":{"amount":1}', '__proto__'],
    ['"metadata":{"constructor":"x"}', 'metadata.constructor'],
  ])('refuses prototype keys (%s), naming them', async (member, field) => {
    const rawBody = `${JSON.stringify(paymentRequest({ metadata: undefined })).slice(0, -1)},${member}}`;
    const body = await refused(
      () => call(createPayment, 'POST', '/payments', { rawBody, headers: { 'idempotency-key': key() } }),
      400,
      /is not accepted as a key/,
    );
    expect(body.errors).toEqual([expect.objectContaining({ field })]);
  });
});

describe('logs', () => {
  it('log an unexpected database error as its class, SQLSTATE and correlation id: no SQL, no request data', async () => {
    await db.sql`alter table payments rename column description to description_moved`;
    const logs = captureLogLines();
    let res;
    try {
      res = await call(createPayment, 'POST', '/payments', {
        body: paymentRequest({ description: 'order for grace.hopper@example.com' }),
        headers: { 'idempotency-key': key(), 'x-correlation-id': 'corr-db-error' },
      });
    } finally {
      logs.restore();
      await db.sql`alter table payments rename column description_moved to description`;
    }
    expect(res.status).toBe(500);
    expect(res.headers['x-correlation-id']).toBe('corr-db-error');
    expect(res.body.detail).toMatch(/quote corr-db-error/);
    const line = logs.lines.find((l) => l.message === 'unhandled error');
    expect(line).toMatchObject({
      errorClass: 'PostgresError',
      sqlState: '42703',
      correlationId: 'corr-db-error',
    });
    const text = JSON.stringify(logs.lines);
    expect(text).not.toMatch(/insert into|select |description_moved|grace\.hopper|payments \(/i);
  });
});
