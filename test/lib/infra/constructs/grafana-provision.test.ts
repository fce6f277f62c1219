/**
 * The Grafana provisioner against a local stand-in for a workspace's HTTP API (it records what it is sent) and
 * a mocked Amazon Managed Grafana API: the data source uses the workspace role, the dashboards arrive with the
 * deployment's values, and the short-lived token is deleted even when Grafana refuses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateWorkspaceServiceAccountCommand,
  CreateWorkspaceServiceAccountTokenCommand,
  DeleteWorkspaceServiceAccountTokenCommand,
  GrafanaClient,
  ListWorkspaceServiceAccountsCommand,
} from '@aws-sdk/client-grafana';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DASHBOARDS_DIR } from '../../../../lib/infra/constructs/grafana-workspace';
import {
  DATASOURCE_UID,
  provision,
  type GrafanaDashboard,
} from '../../../../lib/infra/constructs/grafana/provision';

interface Received {
  method: string;
  url: string;
  authorization?: string;
  body: unknown;
}

const grafanaApi = mockClient(GrafanaClient);
let server: Server;
let url: string;
let received: Received[];
let datasourceExists: boolean;
let refuseDashboards: boolean;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET') return json(datasourceExists ? 200 : 404, { message: 'ok' });
      if (req.url === '/api/dashboards/db' && refuseDashboards)
        return json(412, { message: 'version-mismatch' });
      json(200, { status: 'success' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  received = [];
  datasourceExists = false;
  refuseDashboards = false;
  grafanaApi.reset();
  grafanaApi.on(ListWorkspaceServiceAccountsCommand).resolves({ serviceAccounts: [] });
  grafanaApi.on(CreateWorkspaceServiceAccountCommand).resolves({ id: 'sa-1' });
  grafanaApi
    .on(CreateWorkspaceServiceAccountTokenCommand)
    .resolves({ serviceAccountToken: { id: 'tok-1', name: 'deploy', key: 'glsa_secret' } });
  grafanaApi.on(DeleteWorkspaceServiceAccountTokenCommand).resolves({});
});

const dashboards = Object.fromEntries(
  ['operations.json', 'business.json'].map((f) => [
    f,
    JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as GrafanaDashboard,
  ]),
);

function request() {
  return {
    workspaceId: 'g-abc123',
    grafanaUrl: url,
    region: 'eu-west-1',
    environment: 'staging',
    dashboards,
    variables: {
      api_id: 'a1b2c3',
      db_instance: 'rampay-staging-1234',
      queue_fraud: 'q-fraud',
      dlq_fraud: 'q-fraud-dlq',
    },
  };
}

it('creates the CloudWatch data source on the workspace role and posts every dashboard with the deployment values', async () => {
  const done = await provision(new GrafanaClient({ region: 'eu-west-1' }), request());
  expect(done.dashboards).toEqual(['operations.json', 'business.json']);
  expect(received.every((r) => r.authorization === 'Bearer glsa_secret')).toBe(true);
  const created = received.find((r) => r.method === 'POST' && r.url === '/api/datasources');
  expect(created?.body).toMatchObject({
    uid: DATASOURCE_UID,
    type: 'cloudwatch',
    jsonData: { authType: 'ec2_iam_role', defaultRegion: 'eu-west-1' },
  });
  const posted = received
    .filter((r) => r.url === '/api/dashboards/db')
    .map((r) => r.body as { dashboard: GrafanaDashboard; overwrite: boolean });
  expect(posted.map((p) => p.dashboard.uid)).toEqual(['rampay-operations', 'rampay-business']);
  expect(posted.every((p) => p.overwrite)).toBe(true);
  const variables = Object.fromEntries(
    posted[0]!.dashboard.templating!.list!.map((v) => [
      v.name,
      (v.current as { value?: string } | undefined)?.value,
    ]),
  );
  expect(variables).toMatchObject({
    datasource: DATASOURCE_UID,
    environment: 'staging',
    api_id: 'a1b2c3',
    queue_fraud: 'q-fraud',
    dlq_fraud: 'q-fraud-dlq',
  });
  expect(grafanaApi).toHaveReceivedCommandWith(CreateWorkspaceServiceAccountTokenCommand, {
    workspaceId: 'g-abc123',
    serviceAccountId: 'sa-1',
    secondsToLive: 300,
  });
  expect(grafanaApi).toHaveReceivedCommandWith(DeleteWorkspaceServiceAccountTokenCommand, {
    tokenId: 'tok-1',
  });
});

it('updates an existing data source and reuses the service account on the next deploy', async () => {
  datasourceExists = true;
  grafanaApi.on(ListWorkspaceServiceAccountsCommand).resolves({
    serviceAccounts: [{ id: 'sa-9', name: 'rampay-provisioner', grafanaRole: 'ADMIN', isDisabled: 'false' }],
  });
  await provision(new GrafanaClient({ region: 'eu-west-1' }), request());
  expect(grafanaApi).not.toHaveReceivedCommand(CreateWorkspaceServiceAccountCommand);
  expect(received.some((r) => r.method === 'PUT' && r.url === `/api/datasources/uid/${DATASOURCE_UID}`)).toBe(
    true,
  );
  expect(received.some((r) => r.method === 'POST' && r.url === '/api/datasources')).toBe(false);
});

it("fails the deploy with Grafana's answer when it refuses a dashboard, and still deletes the token", async () => {
  refuseDashboards = true;
  await expect(provision(new GrafanaClient({ region: 'eu-west-1' }), request())).rejects.toThrow(
    /POST \/api\/dashboards\/db: 412/,
  );
  expect(grafanaApi).toHaveReceivedCommandWith(DeleteWorkspaceServiceAccountTokenCommand, {
    tokenId: 'tok-1',
  });
});
