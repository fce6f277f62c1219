import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSmokeCli } from '../../../lib/ops/smoke/cli';
import { runSmoke } from '../../../lib/ops/smoke/smoke';
import type { Platform } from '../../../lib/local/platform';
import { startTestPlatform } from '../../support/platform';

const CLIENT_ID = 'smoke-client';
const CLIENT_SECRET = 'smoke-secret';
const MERCHANT = 'merchant_smoke';

/** The scopes each token request asked for. */
const requestedScopes: string[][] = [];

/**
 * A client-credentials token endpoint in front of the local issuer, as Cognito's is in front of the deployed API:
 * the right client gets a token for the test merchant with the scopes it asked for (without Cognito's resource
 * server prefix, which the deployed handlers strip and the local platform does not expect).
 */
async function tokenEndpoint(platform: Platform): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
      if (req.headers.authorization !== `Basic ${basic}` || form.get('grant_type') !== 'client_credentials') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      requestedScopes.push(scopes);
      const unprefixed = scopes.map((scope) => scope.replace(/^rampay\//, ''));
      void platform.issuer.issue({ merchantId: MERCHANT, scopes: unprefixed }).then((token) => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token` };
}

describe('the deployment smoke test', () => {
  let platform: Platform;
  let endpoint: { server: Server; url: string };
  beforeAll(async () => {
    platform = await startTestPlatform();
    endpoint = await tokenEndpoint(platform);
  }, 60_000);
  afterAll(async () => {
    endpoint.server.close();
    await platform.stop();
  });

  it('passes against a running platform: health, a token, a payment created and read back', async () => {
    const steps = await runSmoke({
      apiUrl: platform.url,
      tokenEndpoint: endpoint.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    expect(steps.map((s) => [s.name, s.ok])).toEqual([
      ['health', true],
      ['token', true],
      ['create a payment', true],
      ['read it back', true],
    ]);
    const [row] = await platform.sql<{ merchant_id: string; amount: number }[]>`
      select merchant_id, amount from payments where terminal_id = 'smoke-test'`;
    expect(row).toEqual({ merchant_id: MERCHANT, amount: 100 });
  });

  it('stops at the first step that fails, and says why', async () => {
    const wrongSecret = await runSmoke({
      apiUrl: platform.url,
      tokenEndpoint: endpoint.url,
      clientId: CLIENT_ID,
      clientSecret: 'not-the-secret',
    });
    expect(wrongSecret.map((s) => [s.name, s.ok])).toEqual([
      ['health', true],
      ['token', false],
    ]);
    expect(wrongSecret[1]!.detail).toContain('the token endpoint answered 400');

    const foreignToken = await runSmoke({ apiUrl: platform.url, token: 'not.a.token' });
    expect(foreignToken.at(-1)).toMatchObject({ name: 'create a payment', ok: false });
    expect(foreignToken.at(-1)!.detail).toContain('POST /payments answered 401');

    const nothingThere = await runSmoke({ apiUrl: 'http://127.0.0.1:9/' });
    expect(nothingThere).toMatchObject([{ name: 'health', ok: false }]);
  });

  it("reads the API's URL and token endpoint from cdk deploy's outputs file, and exits 1 on a failure", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampay-smoke-'));
    const outputs = path.join(dir, 'cdk-outputs-dev.json');
    writeFileSync(
      outputs,
      JSON.stringify({ 'RamPay-dev-api': { ApiUrl: `${platform.url}/`, TokenEndpoint: endpoint.url } }),
    );
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const client = { RAMPAY_SMOKE_CLIENT_ID: CLIENT_ID, RAMPAY_SMOKE_CLIENT_SECRET: CLIENT_SECRET };
      expect(await runSmokeCli(['--outputs', outputs, '--env', 'dev'], client)).toBe(0);
      // With the outputs of a deployment, the scopes carry Cognito's resource server prefix.
      expect(requestedScopes.at(-1)).toEqual(['rampay/payments:read', 'rampay/payments:write']);
      expect(log.mock.calls.at(-1)?.[0]).toMatch(/^smoke test passed: 4 of 4 steps/);
      expect(await runSmokeCli(['--outputs', outputs, '--env', 'dev'], {})).toBe(1);
      expect(log.mock.calls.at(-1)?.[0]).toBe('smoke test failed at "token" after 2 of 4 steps');
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await runSmokeCli(['--env', 'dev'], {})).toBe(2);
    } finally {
      error.mockRestore();
    }
  });
});
