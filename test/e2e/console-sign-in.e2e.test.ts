/**
 * The console's hosted-UI sign-in in headless Chromium: authorization code with PKCE (S256) against an OAuth 2.0
 * authorization server written here in Cognito's shape (`/oauth2/authorize`, `/oauth2/token`), which checks the
 * client id, the redirect URI and the code verifier against the challenge, and issues access tokens the local
 * platform accepts. The console is served as CloudFront serves it, with a `config.json` naming that server; its
 * API calls go through to the local platform, which sees the token each one carries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { launchChromium } from '../support/chromium';
import { startTestPlatform } from '../support/platform';
import { waitFor } from '../lib/local/wait';

const CLIENT_ID = 'rampay-console';
const MERCHANT = 'merchant_hosted';
const SCOPES = ['payments:read', 'payments:write', 'analytics:read'];

interface TokenCall {
  grant: string;
  status: number;
  /** Why the grant was refused. */
  refused?: string;
  accessToken?: string;
}

interface ApiCall {
  path: string;
  token: string;
  status: number;
}

let platform: Platform;
let browser: Browser;
let consoleUrl: string;
let authUrl: string;
const servers: Server[] = [];
const tokenCalls: TokenCall[] = [];
const apiCalls: ApiCall[] = [];
/** Codes issued and not yet used, with what they were issued for. */
const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string }>();
const refreshTokens = new Set<string>();
/** Lifetime of the access tokens the server issues, seconds. */
let accessTtl = 3600;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** The authorization server: what Cognito's hosted UI and token endpoint do for a public client with PKCE. */
function authorizationServer(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url!, authUrl);
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      const refusal =
        q.get('response_type') !== 'code'
          ? 'response_type must be code'
          : q.get('client_id') !== CLIENT_ID
            ? 'unknown client'
            : redirectUri !== `${consoleUrl}/`
              ? 'redirect_uri is not registered'
              : q.get('code_challenge_method') !== 'S256'
                ? 'code_challenge_method must be S256'
                : !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')
                  ? 'code_challenge must be a base64url SHA-256'
                  : !q.get('state')
                    ? 'state is missing'
                    : undefined;
      if (refusal) return void res.writeHead(400, { 'content-type': 'text/plain' }).end(refusal);
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { clientId: CLIENT_ID, redirectUri, challenge: q.get('code_challenge')! });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      void bodyOf(req).then(async (text) => {
        const form = new URLSearchParams(text);
        const grant = form.get('grant_type') ?? '';
        const answer = (status: number, body: Record<string, unknown>) => {
          tokenCalls.push({
            grant,
            status,
            ...(status === 200
              ? { accessToken: body.access_token as string }
              : { refused: body.error_description as string }),
          });
          res
            .writeHead(status, {
              'content-type': 'application/json',
              'access-control-allow-origin': consoleUrl,
            })
            .end(JSON.stringify(body));
        };
        const refuse = (description: string) =>
          answer(400, { error: 'invalid_grant', error_description: description });
        const tokens = async () => ({
          access_token: await platform.issuer.issue({
            merchantId: MERCHANT,
            subject: 'staff:lena',
            scopes: SCOPES,
            ttl: accessTtl,
          }),
          token_type: 'Bearer',
          expires_in: accessTtl,
        });
        if (form.get('client_id') !== CLIENT_ID) return refuse('unknown client');
        if (grant === 'authorization_code') {
          const code = form.get('code') ?? '';
          const issued = codes.get(code);
          codes.delete(code); // a code is good once
          if (!issued) return refuse('unknown or used code');
          if (form.get('redirect_uri') !== issued.redirectUri) return refuse('redirect_uri differs');
          if (s256(form.get('code_verifier') ?? '') !== issued.challenge) {
            return refuse('code_verifier does not match the code_challenge');
          }
          const refreshToken = randomBytes(24).toString('base64url');
          refreshTokens.add(refreshToken);
          return answer(200, { ...(await tokens()), refresh_token: refreshToken });
        }
        if (grant === 'refresh_token') {
          if (!refreshTokens.has(form.get('refresh_token') ?? '')) return refuse('refresh token revoked');
          return answer(200, await tokens());
        }
        return answer(400, { error: 'unsupported_grant_type', error_description: grant });
      });
      return;
    }
    res.writeHead(404).end();
  });
}

/**
 * The console's host: its config.json for a hosted-UI sign-in, and everything else (the console's files, the API)
 * from the local platform, noting each API call's token and answer.
 */
function consoleHost(): Server {
  const config = {
    apiUrl: '',
    signIn: { kind: 'cognito', domain: authUrl, clientId: CLIENT_ID, scopes: SCOPES },
  };
  return createServer((req, res) => {
    if (req.url === '/config.json') {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config));
    }
    const upstream = request(
      new URL(req.url!, platform.url),
      { method: req.method, headers: req.headers },
      (answer) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (token) apiCalls.push({ path: req.url!.split('?')[0]!, token, status: answer.statusCode! });
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const auth = authorizationServer();
  authUrl = await listen(auth);
  consoleUrl = await listen(consoleHost());
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await platform?.stop();
});

beforeEach(() => {
  accessTtl = 3600;
});

/** A fresh tab (its own sessionStorage) on the console's sign-in page. */
async function signInPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${consoleUrl}/`);
  await page.click('section.sign-in button');
  return { page, errors };
}

/** The tab's access and refresh tokens. */
const STORED = `[sessionStorage.getItem('rampay.token'), sessionStorage.getItem('rampay.refresh')]`;

const signedInCalls = (grant: string, status: number) =>
  tokenCalls.filter((c) => c.grant === grant && c.status === status);

it('signs in with the code and its verifier, and calls the API with the access token', async () => {
  const created = await fetch(`${platform.url}/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await platform.issuer.issue({ merchantId: MERCHANT, scopes: SCOPES })}`,
      'content-type': 'application/json',
      'idempotency-key': `hosted-${Date.now()}`,
    },
    body: JSON.stringify(paymentRequest({ customer: { id: 'cus_hosted' } })),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const exchanged = signedInCalls('authorization_code', 200).length;

  const { page, errors } = await signInPage();
  await page.waitForSelector(`tr[data-payment-id="${id}"]`);
  expect(await page.textContent('[data-testid=who]')).toBe(MERCHANT);
  // The code and state are gone from the address bar.
  expect(new URL(page.url()).search).toBe('');

  const [exchange] = signedInCalls('authorization_code', 200).slice(exchanged);
  expect(exchange?.accessToken).toBeDefined();
  expect(apiCalls).toContainEqual({ path: '/payments', token: exchange!.accessToken!, status: 200 });
  expect(errors).toEqual([]);
  await page.context().close();
}, 60_000);

it('stays signed out when the verifier it sends is not the one the challenge was made from', async () => {
  const before = { calls: tokenCalls.length, api: apiCalls.length };
  const context = await browser.newContext();
  // Back from the authorization server, the tab's verifier is swapped for another before the console reads it.
  await context.addInitScript(`
    const pending = sessionStorage.getItem('rampay.pkce');
    if (location.search.includes('code=') && pending) {
      const { verifier, state } = JSON.parse(pending);
      sessionStorage.setItem('rampay.pkce', JSON.stringify({ verifier: [...verifier].reverse().join(''), state }));
    }
  `);
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/`);
  await page.click('section.sign-in button');
  await page.waitForSelector('p.error');
  expect(await page.textContent('p.error')).toContain('the token endpoint answered 400');
  expect(tokenCalls.slice(before.calls)).toEqual([
    { grant: 'authorization_code', status: 400, refused: 'code_verifier does not match the code_challenge' },
  ]);
  expect(apiCalls.length).toBe(before.api);
  expect(await page.evaluate(STORED)).toEqual([null, null]);
  await context.close();
}, 60_000);

it('refreshes the access token before it expires, and signs out when the refresh token is refused', async () => {
  // Tokens of a few seconds: the console refreshes halfway through their life.
  accessTtl = 6;
  const refreshed = signedInCalls('refresh_token', 200).length;
  const { page, errors } = await signInPage();
  await page.waitForSelector('main[data-ready="true"]');

  await waitFor(() => signedInCalls('refresh_token', 200).length > refreshed, 30_000);
  // The next API calls carry a refreshed token (the first, or a later one), and the API accepts them.
  const renewed = () => new Set(signedInCalls('refresh_token', 200).map((c) => c.accessToken));
  await page.click('a[href="#/analytics"]');
  await waitFor(() => apiCalls.some((c) => renewed().has(c.token)), 15_000);
  const withRenewed = apiCalls.filter((c) => renewed().has(c.token));
  expect(withRenewed.map((c) => [c.path, c.status])).toContainEqual(['/analytics/summary', 200]);
  expect(withRenewed.filter((c) => c.status !== 200)).toEqual([]);

  // The refresh token is revoked: the next refresh is refused, and the tab is signed out.
  refreshTokens.clear();
  await page.waitForSelector('section.sign-in button', { timeout: 30_000 });
  expect(tokenCalls.at(-1)).toEqual({
    grant: 'refresh_token',
    status: 400,
    refused: 'refresh token revoked',
  });
  expect(await page.evaluate(STORED)).toEqual([null, null]);
  expect(errors).toEqual([]);
  await page.context().close();
}, 90_000);
