/**
 * Every function of the synthesized dev environment loads and answers from its bundle laid out as Lambda lays
 * it out: the code asset as /var/task, its layers under /opt, NODE_PATH as the Node.js runtime sets it, a fresh
 * `node` process per invocation, in a temporary folder where no node_modules of the repository is reachable.
 * The functions reach a real test database (DATABASE_URL) and an AWS stub on 127.0.0.1 (AWS_ENDPOINT_URL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { API_ROUTES } from '../../../functions/api/routes';
import type { MigrationResult } from '../../../functions/shared/db/migrate';
import { FUNCTIONS } from '../../../lib/infra/config/functions';
import { apiGatewayEvent } from '../../../lib/local/api-gateway';
import { buildLayer } from '../../../layers/onnxruntime/build';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import {
  filesUnder,
  invoke,
  layOut,
  layoutRoot,
  reachableNodeModules,
  startAwsStub,
  synthesizedFunctions,
  synthesizeWithAssets,
  type AwsStub,
  type InvokeOutcome,
  type LaidOutFunction,
  type SynthesizedFunction,
} from '../../support/lambda-layout';

// Synthesis with assets bundles every function and builds the console: minutes on a busy 2-core host.
jest.setTimeout(420_000);

const MIGRATIONS = fs
  .readdirSync(path.resolve(__dirname, '../../../functions/shared/db/migrations'))
  .filter((f) => /^\d{4}_.*\.sql$/.test(f));

let root: string;
let synthesized: SynthesizedFunction[];
let functions: SynthesizedFunction[];
const laid = new Map<string, LaidOutFunction>();
let db: TestDatabase;
let aws: AwsStub;
let hostLayer: string;

beforeAll(async () => {
  root = layoutRoot();
  const outdir = path.join(root, 'cdk.out');
  synthesizeWithAssets('dev', outdir);
  synthesized = synthesizedFunctions(outdir);
  // Node.js functions only: CDK's BucketDeployment (the console's upload) runs Python with its AWS CLI layer.
  functions = synthesized.filter((f) => f.runtime.startsWith('nodejs'));
  // The deployed layer holds the linux/arm64 binding, which this host cannot load: the same layer built for the
  // host's architecture stands in for it (the same files and JavaScript resolution; the test below compares).
  hostLayer = path.join(root, 'onnxruntime-layer-host');
  buildLayer(hostLayer, os.arch() === 'arm64' ? 'arm64' : 'x64');
  const tasks = path.join(root, 'functions');
  for (const fn of functions)
    laid.set(
      fn.id,
      layOut(fn, tasks, () => hostLayer),
    );
  [db, aws] = await Promise.all([startTestDatabase({ migrate: false }), startAwsStub()]);
});

afterAll(async () => {
  await Promise.all([db?.stop(), aws?.close()]);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function fn(id: string): LaidOutFunction {
  const found = laid.get(id);
  if (!found) throw new Error(`no synthesized function ${id}`);
  return found;
}

/** Invokes with the test database and the AWS stub in place of the deployed ones. */
function call(id: string, event?: unknown): Promise<InvokeOutcome> {
  return invoke(fn(id), {
    event,
    environment: {
      DATABASE_URL: db.url,
      // The test database speaks no TLS; the certificate checks have tests of their own.
      DB_SSL: 'disable',
      AWS_ENDPOINT_URL: aws.url,
    },
  });
}

function loaded(outcome: InvokeOutcome): unknown {
  if (outcome.error) {
    throw new Error(
      `${outcome.error.message}\n${outcome.error.stack ?? ''}\n--- output ---\n${outcome.output}`,
    );
  }
  expect(outcome.loaded).toBe(true);
  return outcome.result;
}

function sqsEvent(functionName: string, body: string): SQSEvent {
  const messageId = randomUUID();
  return {
    Records: [
      {
        messageId,
        receiptHandle: `receipt-${messageId}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDALAYOUT',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:eu-west-1:111111111111:${functionName}`,
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

const scheduledEvent = {
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111111111111',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:111111111111:rule/layout'],
  detail: {},
};

const MERCHANT = 'merchant_layout';

describe('the synthesized functions, laid out as Lambda runs them', () => {
  it('are every function of the table, the migrator and the CDK providers, each from its own asset', () => {
    const ids = functions.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([...FUNCTIONS.map((f) => f.id), 'Migrator']));
    // CDK's own providers (Custom...: the console bucket's auto-delete) are not RamPay's.
    const ours = functions.filter((f) => f.handler === 'index.handler' && !f.id.startsWith('Custom'));
    expect(ours).toHaveLength(FUNCTIONS.length + 1);
    for (const { taskDir } of laid.values()) {
      expect(fs.readdirSync(taskDir)).toEqual(expect.arrayContaining([expect.stringMatching(/^index\./)]));
      expect({ taskDir, reachable: reachableNodeModules(taskDir) }).toEqual({ taskDir, reachable: [] });
    }
  });

  it("run Node.js, but for the console upload of CDK's BucketDeployment", () => {
    const others = synthesized.filter((f) => !f.runtime.startsWith('nodejs'));
    expect(others.map((f) => ({ runtime: f.runtime.replace(/\d.*$/, ''), id: f.id }))).toEqual([
      { runtime: 'python', id: expect.stringMatching(/^CustomCDKBucketDeployment/) },
    ]);
  });

  it('stand in for the deployed onnxruntime layer with the same files, for the host architecture', () => {
    const layers = [...new Set(functions.flatMap((f) => f.layerDirs))];
    expect(layers).toHaveLength(1);
    const withoutArch = (files: string[]) =>
      files.map((f) => f.replace(/\/linux\/(arm64|x64)\//, '/linux/ARCH/'));
    expect(withoutArch(filesUnder(hostLayer))).toEqual(withoutArch(filesUnder(layers[0]!)));
    expect(functions.filter((f) => f.layerDirs.length > 0).map((f) => f.id)).toEqual(['FraudConsumer']);
  });

  it('only the fraud consumer asks for onnxruntime-node, through require', () => {
    const asking = [...laid.values()]
      .filter(({ taskDir }) => fs.existsSync(path.join(taskDir, 'index.mjs')))
      .filter(({ taskDir }) =>
        fs.readFileSync(path.join(taskDir, 'index.mjs'), 'utf8').includes('onnxruntime'),
      );
    expect(asking.map(({ fn }) => fn.id)).toEqual(['FraudConsumer']);
    const bundle = fs.readFileSync(path.join(asking[0]!.taskDir, 'index.mjs'), 'utf8');
    // No ES import of the layer's packages (it would not search NODE_PATH), one call of the banner's require
    // (esbuild's minified name for it).
    expect(bundle.match(/(import|from)\s*["']onnxruntime-(node|common)["']/g)).toBeNull();
    expect(bundle.match(/[\w$]+\("onnxruntime-node"\)/g)).toHaveLength(1);
  });

  it('the migrator migrates an empty database (no event)', async () => {
    const result = loaded(await call('Migrator')) as MigrationResult;
    expect(result.applied).toEqual(MIGRATIONS);
    expect(result.alreadyApplied).toBe(0);
    expect(result.repeatable.length).toBeGreaterThan(0);
  });

  it.each(API_ROUTES.map(({ route }) => route.name))(
    'API function %s answers without a token',
    async (id) => {
      const { route, entry } = API_ROUTES.find((r) => r.route.name === id)!;
      const url = route.path.replace(/\{[^}]+\}/g, '0190a6c2-0b0e-7c4c-9a57-0b6a5b9c1d2e');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (route.idempotent) headers['idempotency-key'] = randomUUID();
      const event = apiGatewayEvent(
        { method: route.method, url, headers, ...(route.method === 'POST' ? { body: '{}' } : {}) },
        { route, entry, pathParameters: {} },
      );
      const response = loaded(await call(id, event)) as { statusCode: number; body: string };
      if (route.scope === 'public') {
        expect(response.statusCode).toBe(200);
      } else {
        expect(response.statusCode).toBe(401);
        expect(JSON.parse(response.body)).toMatchObject({ status: 401 });
      }
    },
  );

  it('CreatePayment creates a payment and publishes PaymentCreated; the fraud consumer scores it', async () => {
    const { route, entry } = API_ROUTES.find((r) => r.route.name === 'CreatePayment')!;
    const body = {
      amount: 4200,
      currency: 'EUR',
      customer: { id: 'cus_layout' },
      paymentMethod: { type: 'card', fingerprint: 'fp_layout_0001', last4: '4242' },
      terminalId: 'web_layout',
    };
    const created = loaded(
      await call(
        'CreatePayment',
        apiGatewayEvent(
          {
            method: 'POST',
            url: '/payments',
            headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify(body),
          },
          { route, entry, pathParameters: {} },
          { claims: { merchant_id: MERCHANT, scope: 'rampay/payments:write' }, scopes: [] },
        ),
      ),
    ) as { statusCode: number; body: string };
    expect(created.statusCode).toBe(201);
    const payment = JSON.parse(created.body) as { id: string };
    const message = aws.published.find(
      (p) => p.eventType === 'PaymentCreated' && p.message.includes(payment.id),
    );
    expect(message).toBeDefined();

    const fraud = fn('FraudConsumer');
    expect(fraud.fn.layerDirs).toHaveLength(1);
    const scored = loaded(await call('FraudConsumer', sqsEvent(fraud.fn.functionName, message!.message)));
    expect(scored).toEqual({ batchItemFailures: [] });
    // Scored by the model the bundle carries, through the native binding of the layer.
    const models = path.join(fraud.taskDir, 'models');
    const metadata = fs.readdirSync(models).filter((f) => /^fraud-[^.]+\.json$/.test(f));
    expect(metadata).toHaveLength(1);
    const { version } = JSON.parse(fs.readFileSync(path.join(models, metadata[0]!), 'utf8')) as {
      version: string;
    };
    const assessments = await db.sql<{ model_version: string; probability: number; applied: boolean }[]>`
      select model_version, probability, applied from fraud_assessments where payment_id = ${payment.id}`;
    expect(assessments).toEqual([{ model_version: version, probability: expect.any(Number), applied: true }]);
    expect(aws.published.filter((p) => p.message.includes(payment.id)).length).toBeGreaterThan(1);
  });

  it.each(['FraudConsumer', 'NotificationsConsumer', 'AnalyticsConsumer'])(
    '%s fails a malformed record alone',
    async (id) => {
      const event = sqsEvent(fn(id).fn.functionName, '{"not":"an event"}');
      expect(loaded(await call(id, event))).toEqual({
        batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }],
      });
    },
  );

  it('OutboxRelay runs on its schedule', async () => {
    expect(loaded(await call('OutboxRelay', scheduledEvent))).toMatchObject({ failed: 0 });
  });

  it('Housekeeping runs on its schedule', async () => {
    expect(loaded(await call('Housekeeping', scheduledEvent))).toEqual(expect.any(Object));
  });

  it('FraudDrift runs on its schedule, against the drift reference of the model its bundle carries', async () => {
    const [metadata] = fs
      .readdirSync(path.join(fn('FraudDrift').taskDir, 'models'))
      .filter((f) => /^fraud-[^.]+\.json$/.test(f));
    const version = metadata!.slice('fraud-'.length, -'.json'.length);
    expect(fs.readdirSync(path.join(fn('FraudDrift').taskDir, 'models')).sort()).toEqual(
      expect.arrayContaining([`fraud-${version}.json`, `fraud-${version}.reference.json`]),
    );
    expect(loaded(await call('FraudDrift', scheduledEvent))).toMatchObject({ model: version, measured: 0 });
  });

  it('MerchantClaim adds the merchant claim to a client-credentials token', async () => {
    const event = {
      version: '3',
      triggerSource: 'TokenGeneration_ClientCredentials',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_layout',
      userName: 'merchantlayout',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: MERCHANT },
      request: { userAttributes: {}, groupConfiguration: {}, scopes: ['rampay/payments:read'] },
      response: { claimsAndScopeOverrideDetails: null },
    };
    expect(loaded(await call('MerchantClaim', event))).toMatchObject({
      response: {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: { claimsToAddOrOverride: { merchant_id: MERCHANT } },
        },
      },
    });
  });

  it('made no AWS call the stub does not answer', () => {
    expect(aws.unanswered).toEqual([]);
  });

  it("CDK's own provider functions load", async () => {
    const providers = functions.filter((f) => f.handler !== 'index.handler');
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) loaded(await invoke(fn(provider.id), { loadOnly: true }));
  });
});
