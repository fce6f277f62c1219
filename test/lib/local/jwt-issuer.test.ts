/**
 * The local issuer's verifier accepts exactly what API Gateway's HTTP API JWT authorizer accepts: a kid of the
 * issuer's keys, an RSA signature, the issuer, the audience (aud, or client_id without aud), exp after now, nbf and
 * iat not after now; and a merchant claim of the merchant id format.
 */
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { webcrypto } from 'node:crypto';
import path from 'node:path';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtIssuer, TokenRejected } from '../../../lib/local/jwt-issuer';

type CryptoKey = webcrypto.CryptoKey;

let dir: string;
let issuer: LocalJwtIssuer;
let privateJwk: JWK;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rampay-jwt-'));
  issuer = await LocalJwtIssuer.open(dir);
  privateJwk = JSON.parse(await readFile(path.join(dir, 'jwt-signing-key.json'), 'utf8')) as JWK;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the issuer's own key, with every claim and header field under the test's control. */
async function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', kid: issuer.kid },
  key?: CryptoKey,
): Promise<string> {
  const signingKey = key ?? ((await importJWK(privateJwk, 'RS256')) as CryptoKey);
  return new SignJWT({
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    merchant_id: 'merchant_a',
    scope: 'payments:read',
    sub: 'tester',
    iat: now() - 10,
    exp: now() + 600,
    ...claims,
  })
    .setProtectedHeader(header as never)
    .sign(signingKey);
}

async function reason(token: string): Promise<string> {
  try {
    await issuer.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejected);
    return (error as Error).message;
  }
  return 'accepted';
}

it('issues RS256 tokens with the kid of its key, and accepts them', async () => {
  const token = await issuer.issue({ merchantId: 'merchant_a', scopes: ['payments:read'] });
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: issuer.kid });
  expect(await issuer.verify(token)).toMatchObject({ merchant_id: 'merchant_a', scope: 'payments:read' });
  expect(await reason(await forge({}))).toBe('accepted');
});

it('requires exp, in the future', async () => {
  expect(await reason(await forge({ exp: undefined }))).toMatch(/exp/);
  expect(await reason(await forge({ exp: now() - 1 }))).toMatch(/expired/);
});

it('refuses iat or nbf in the future', async () => {
  expect(await reason(await forge({ iat: now() + 600 }))).toMatch(/iat/);
  expect(await reason(await forge({ nbf: now() + 600 }))).toMatch(/nbf/);
});

it('refuses a token without the kid of its key, or signed by another key', async () => {
  expect(await reason(await forge({}, { alg: 'RS256' }))).toMatch(/kid/);
  expect(await reason(await forge({}, { alg: 'RS256', kid: 'other' }))).toMatch(/kid/);
  const stranger = await generateKeyPair('RS256', { extractable: true });
  expect(await reason(await forge({}, { alg: 'RS256', kid: issuer.kid }, stranger.privateKey))).toMatch(
    /not valid/,
  );
});

it('accepts RSA signatures only', async () => {
  const ec = await generateKeyPair('ES256');
  expect(await reason(await forge({}, { alg: 'ES256', kid: issuer.kid }, ec.privateKey))).toMatch(
    /not valid/,
  );
  const hmacKey = new TextEncoder().encode('a shared secret that is long enough to sign');
  const hs = await new SignJWT({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, merchant_id: 'm', exp: now() + 60 })
    .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
    .sign(hmacKey);
  expect(await reason(hs)).toMatch(/not valid/);
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: issuer.kid })).toString('base64url')}.${Buffer.from(
    JSON.stringify({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, merchant_id: 'm', exp: now() + 60 }),
  ).toString('base64url')}.`;
  expect(await reason(none)).toMatch(/not valid/);
});

it('checks the issuer, and the audience from aud or else client_id', async () => {
  expect(await reason(await forge({ iss: 'https://elsewhere' }))).toMatch(/iss/);
  expect(await reason(await forge({ aud: 'another-api' }))).toMatch(/not for this API/);
  expect(await reason(await forge({ aud: undefined, client_id: LOCAL_AUDIENCE }))).toBe('accepted');
  expect(await reason(await forge({ aud: undefined, client_id: 'another-client' }))).toMatch(
    /not for this API/,
  );
});

it('refuses a merchant claim out of format', async () => {
  for (const merchant_id of ['*', 'x'.repeat(65), 'a b', 'm\u0000', undefined]) {
    expect(await reason(await forge({ merchant_id }))).toMatch(/merchant_id/);
  }
});

it('replaces a signing key from before RS256 (an EC key) with an RSA key', async () => {
  const old = await mkdtemp(path.join(tmpdir(), 'rampay-jwt-old-'));
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  await writeFile(path.join(old, 'jwt-signing-key.json'), JSON.stringify(await exportJWK(privateKey)));
  const reopened = await LocalJwtIssuer.open(old);
  const token = await reopened.issue({ merchantId: 'merchant_a', scopes: [] });
  expect(decodeProtectedHeader(token).alg).toBe('RS256');
  await rm(old, { recursive: true, force: true });
});
