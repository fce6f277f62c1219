/**
 * The bundles' credential chain (functions/shared/aws/lambda-credentials.ts, aliased in by lib/infra/config/bundling.ts):
 * a client built with RamPay's esbuild settings signs with the environment's credentials, never looks anywhere
 * else, and carries none of the SDK's default Node chain.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions } from '../../../../lib/infra/config/bundling';
import { REPO_ROOT } from '../../../../lib/infra/config/functions';

const run = promisify(execFile);

const PUBLISHER = `
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
const sns = new SNSClient({ endpoint: process.env.SNS_ENDPOINT, maxAttempts: 1 });
try {
  const out = await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111111111111:t', Message: 'm' }));
  console.log(JSON.stringify({ messageId: out.MessageId }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
}
`;

const PUBLISH_RESPONSE = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
<PublishResult><MessageId>msg-1</MessageId></PublishResult>
<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishResponse>`;

let dir: string;
let bundleFile: string;
let bundledInputs: string[];
let server: http.Server;
let endpoint: string;
const authorizations: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-credentials-'));
  bundleFile = path.join(dir, 'publisher.mjs');
  const result = await build({
    stdin: { contents: PUBLISHER, resolveDir: REPO_ROOT, loader: 'ts' },
    ...esbuildOptions(REPO_ROOT),
    outfile: bundleFile,
    metafile: true,
    logLevel: 'error',
  });
  bundledInputs = Object.keys(result.metafile.inputs);

  server = http.createServer((request, response) => {
    authorizations.push(request.headers.authorization ?? '');
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(PUBLISH_RESPONSE);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runBundle(env: Record<string, string>): Promise<{ messageId?: string; error?: string }> {
  const { stdout } = await run(process.execPath, [bundleFile], {
    // Only what Lambda would set: no HOME, no profile, no container or web-identity variables.
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', SNS_ENDPOINT: endpoint, ...env },
  });
  return JSON.parse(stdout.trim()) as { messageId?: string; error?: string };
}

test('the bundle carries none of the default Node credential chain', () => {
  const chain = bundledInputs.filter((input) =>
    /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login|http)|nested-clients|token-providers)\//.test(
      input,
    ),
  );
  expect(chain).toEqual([]);
  expect(bundledInputs).toContain('functions/shared/aws/lambda-credentials.ts');
});

test('a bundled client signs with the credentials Lambda puts in the environment', async () => {
  const answer = await runBundle({
    AWS_ACCESS_KEY_ID: 'AKIDRAMPAYBUNDLETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'session',
  });

  expect(answer).toEqual({ messageId: 'msg-1' });
  expect(authorizations.at(-1)).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDRAMPAYBUNDLETEST\/\d{8}\/eu-west-1\/sns\//,
  );
});

test('without credentials in the environment a bundled client fails instead of searching elsewhere', async () => {
  const before = authorizations.length;

  const answer = await runBundle({});

  expect(answer.error).toBe('CredentialsProviderError');
  expect(authorizations).toHaveLength(before);
});
