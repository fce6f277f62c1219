/**
 * The local platform over real HTTP, as an attacker meets it: generated bad and foreign tokens, methods a route
 * does not take, malformed paths, the local pages that show customers' data, and every listener's address.
 */
import fc from 'fast-check';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../lib/local/jwt-issuer';
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';

const RUNS = Number(process.env.RAMPAY_PROPERTY_RUNS ?? 30);
const SEED = Number(process.env.RAMPAY_PROPERTY_SEED ?? 20261207);
let platform: Platform;
let signingJwk: JWK;

beforeAll(async () => {
  platform = await startTestPlatform();
  signingJwk = JSON.parse(await readFile(path.join(platform.dataDir, 'jwt-signing-key.json'), 'utf8')) as JWK;
}, 60_000);
afterAll(() => platform?.stop());

const now = () => Math.floor(Date.now() / 1000);

/** Header and claims of a token, each either as the issuer makes them or broken in one way. */
const tokenFlaw = fc.constantFrom(
  'none',
  'no-exp',
  'expired',
  'future-iat',
  'future-nbf',
  'no-kid',
  'other-kid',
  'other-key',
  'es256',
  'other-issuer',
  'other-audience',
  'client-id-audience',
  'merchant-star',
  'merchant-long',
  'merchant-missing',
  'garbage',
);

async function tokenWith(flaw: string): Promise<string> {
  if (flaw === 'garbage') return 'not.a.jwt';
  const claims: Record<string, unknown> = {
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: 'dev:merchant_a',
    merchant_id: 'merchant_a',
    scope: 'payments:read payments:write',
    iat: now() - 5,
    exp: now() + 300,
  };
  const header: Record<string, unknown> = { alg: 'RS256', kid: platform.issuer.kid };
  let key = await importJWK(signingJwk, 'RS256');
  switch (flaw) {
    case 'no-exp':
      delete claims.exp;
      break;
    case 'expired':
      claims.exp = now() - 1;
      break;
    case 'future-iat':
      claims.iat = now() + 300;
      break;
    case 'future-nbf':
      claims.nbf = now() + 300;
      break;
    case 'no-kid':
      delete header.kid;
      break;
    case 'other-kid':
      header.kid = 'another-key';
      break;
    case 'other-key':
      key = (await generateKeyPair('RS256')).privateKey;
      break;
    case 'es256':
      header.alg = 'ES256';
      key = (await generateKeyPair('ES256')).privateKey;
      break;
    case 'other-issuer':
      claims.iss = 'https://issuer.example';
      break;
    case 'other-audience':
      claims.aud = 'another-api';
      break;
    case 'client-id-audience':
      delete claims.aud;
      claims.client_id = LOCAL_AUDIENCE;
      break;
    case 'merchant-star':
      claims.merchant_id = '*';
      break;
    case 'merchant-long':
      claims.merchant_id = 'm'.repeat(3000);
      break;
    case 'merchant-missing':
      delete claims.merchant_id;
      break;
  }
  return new SignJWT(claims).setProtectedHeader(header as never).sign(key);
}

const ACCEPTED = new Set(['none', 'client-id-audience']);

it('accepts exactly the tokens API Gateway would: any flaw is a 401 with a Bearer challenge', async () => {
  await fc.assert(
    fc.asyncProperty(tokenFlaw, fc.constantFrom('/payments', '/events', '/reviews'), async (flaw, url) => {
      const res = await fetch(`${platform.url}${url}`, {
        headers: { authorization: `Bearer ${await tokenWith(flaw)}`, 'x-correlation-id': `corr-${flaw}` },
      });
      if (ACCEPTED.has(flaw) && url !== '/reviews') {
        expect([flaw, res.status]).toEqual([flaw, 200]);
        return;
      }
      expect([flaw, res.status]).toEqual([flaw, ACCEPTED.has(flaw) ? 403 : 401]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('x-correlation-id')).toBe(`corr-${flaw}`);
      expect(res.headers.get('www-authenticate')).toMatch(
        ACCEPTED.has(flaw)
          ? /^Bearer error="insufficient_scope"/
          : /^Bearer error="invalid_token", error_description="/,
      );
      expect(((await res.json()) as { detail: string }).detail).toMatch(/\w{3,} \w{3,}/);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

it('answers a request without a token as API Gateway does: 401, bare Bearer challenge, correlation id', async () => {
  const res = await fetch(`${platform.url}/payments`);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  expect(res.headers.get('x-correlation-id')).toMatch(/\S/);
  expect(await res.json()).toMatchObject({ status: 401, detail: expect.stringMatching(/bearer token/) });
});

it('lists the allowed methods on a 405, and answers HEAD as GET without a body', async () => {
  const token = await platform.issuer.issue({ merchantId: 'merchant_a', scopes: ['payments:read'] });
  const put = await fetch(`${platform.url}/payments`, { method: 'PUT' });
  expect(put.status).toBe(405);
  expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  expect(put.headers.get('content-type')).toBe('application/problem+json');
  const del = await fetch(`${platform.url}/payments/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, {
    method: 'DELETE',
  });
  expect([del.status, del.headers.get('allow')]).toEqual([405, 'GET, HEAD']);

  const get = await fetch(`${platform.url}/payments`, { headers: { authorization: `Bearer ${token}` } });
  const head = await fetch(`${platform.url}/payments`, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
  expect(await head.text()).toBe('');
  expect((await fetch(`${platform.url}/health`, { method: 'HEAD' })).status).toBe(200);
});

it('answers malformed percent-encoding in a path with a 400 problem', async () => {
  const token = await platform.issuer.issue({ merchantId: 'merchant_a', scopes: ['payments:read'] });
  for (const path of ['/payments/%E0%A4%A', '/payments/%', '/payments/%ED%A0%80']) {
    const res = await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect([path, res.status]).toEqual([path, 400]);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  }
});

it('shows the sent mail and SMS only to a local token with audit:read', async () => {
  const writer = await platform.issuer.issue({ merchantId: 'merchant_a', scopes: ['payments:write'] });
  const created = await fetch(`${platform.url}/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${writer}`,
      'content-type': 'application/json',
      'idempotency-key': 'n-1',
    },
    body: JSON.stringify(paymentRequest()),
  });
  expect(created.status).toBe(201);
  const anonymous = await fetch(`${platform.url}/local/notifications`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  expect(await anonymous.text()).not.toMatch(/@/);
  const forbidden = await fetch(`${platform.url}/local/notifications`, {
    headers: { authorization: `Bearer ${writer}` },
  });
  expect(forbidden.status).toBe(403);
  const auditor = await platform.issuer.issue({ merchantId: 'merchant_a', scopes: ['audit:read'] });
  const allowed = await fetch(`${platform.url}/local/notifications`, {
    headers: { authorization: `Bearer ${auditor}` },
  });
  expect(allowed.status).toBe(200);
  expect(await allowed.json()).toMatchObject({ object: 'list' });
  const analytics = await fetch(`${platform.url}/local/analytics`);
  expect(analytics.status).toBe(401);
});

it('listens on 127.0.0.1 only: the API, the SNS/SQS emulator and the embedded database', async () => {
  const endpoints = [platform.url, platform.messaging.endpoint, platform.databaseUrl].map((u) => new URL(u));
  for (const endpoint of endpoints) expect(endpoint.hostname).toBe('127.0.0.1');
  const elsewhere = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  for (const address of elsewhere) {
    for (const endpoint of endpoints) {
      const reachable = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: address, port: Number(endpoint.port) });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      expect([address, endpoint.port, reachable]).toEqual([address, endpoint.port, false]);
    }
  }
});

it('GET /local/consumer-failures answers any query with the failures asked for or a 400 saying what to fix', async () => {
  await platform.sql`
    insert into consumer_failures (consumer, event_id, event_type, payment_id, message_id, error_name, reason,
      attempt, failed_at)
    values ('fraud', 'evt-hostile-1', 'PaymentCreated', 'pay-1', 'msg-1', 'TypeError', 'its message is not kept',
      3, now())`;
  const known = await fetch(`${platform.url}/local/consumer-failures?consumer=fraud&event_id=evt-hostile-1`);
  expect(await known.json()).toEqual({
    object: 'list',
    data: [expect.objectContaining({ eventId: 'evt-hostile-1', errorName: 'TypeError', attempt: 3 })],
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom('consumer', 'event_id', 'other'), fc.string({ maxLength: 300 })), {
        maxLength: 120,
      }),
      async (pairs) => {
        const answer = await fetch(
          `${platform.url}/local/consumer-failures?${new URLSearchParams(pairs).toString()}`,
        );
        const body = (await answer.json()) as { object?: string; detail?: string };
        if (answer.status === 200) expect(body.object).toBe('list');
        else
          expect([answer.status, answer.headers.get('content-type'), typeof body.detail]).toEqual([
            400,
            'application/problem+json',
            'string',
          ]);
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
});
