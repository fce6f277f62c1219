/**
 * Provisions an Amazon Managed Grafana workspace through Grafana's HTTP API: the CloudWatch data source (the
 * workspace's IAM role, no keys) and RamPay's dashboards with the deployment's names filled in. It signs in with
 * a service account token that lives five minutes and is deleted as soon as the work is done.
 */
import {
  CreateWorkspaceServiceAccountCommand,
  CreateWorkspaceServiceAccountTokenCommand,
  DeleteWorkspaceServiceAccountTokenCommand,
  ListWorkspaceServiceAccountsCommand,
  type GrafanaClient,
} from '@aws-sdk/client-grafana';

export const SERVICE_ACCOUNT = 'rampay-provisioner';
export const DATASOURCE_UID = 'rampay-cloudwatch';

export interface ProvisionRequest {
  workspaceId: string;
  /** https://<workspace endpoint> */
  grafanaUrl: string;
  region: string;
  environment: string;
  /** Dashboard models by file name, as `npm run grafana` writes them. */
  dashboards: Record<string, GrafanaDashboard>;
  /** Values of the dashboards' text-box variables (api_id, db_instance, queue_<consumer>...). */
  variables: Record<string, string>;
}

export interface GrafanaDashboard {
  uid?: string;
  templating?: { list?: GrafanaVariable[] };
  [key: string]: unknown;
}

interface GrafanaVariable {
  name: string;
  type: string;
  query?: unknown;
  current?: unknown;
  [key: string]: unknown;
}

/** The dashboard with its data source, environment and deployment variables set. */
export function withDeployment(
  dashboard: GrafanaDashboard,
  environment: string,
  variables: Record<string, string>,
): GrafanaDashboard {
  const list = (dashboard.templating?.list ?? []).map((v): GrafanaVariable => {
    const chosen = (value: string) => ({ ...v, current: { text: value, value, selected: true } });
    if (v.name === 'datasource') return chosen(DATASOURCE_UID);
    if (v.name === 'environment') return chosen(environment);
    const value = variables[v.name];
    if (v.type === 'textbox' && value !== undefined) return { ...chosen(value), query: value };
    return v;
  });
  return { ...dashboard, id: null, templating: { ...dashboard.templating, list } };
}

async function grafanaApi(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400 && !(method === 'GET' && res.status === 404)) {
    throw new Error(`Grafana ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  }
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export async function provision(
  grafana: GrafanaClient,
  request: ProvisionRequest,
): Promise<{ dashboards: string[] }> {
  const { workspaceId } = request;
  const listed = await grafana.send(new ListWorkspaceServiceAccountsCommand({ workspaceId }));
  const existing = listed.serviceAccounts?.find((a) => a.name === SERVICE_ACCOUNT);
  const accountId =
    existing?.id ??
    (
      await grafana.send(
        new CreateWorkspaceServiceAccountCommand({
          workspaceId,
          name: SERVICE_ACCOUNT,
          grafanaRole: 'ADMIN',
        }),
      )
    ).id!;
  const token = await grafana.send(
    new CreateWorkspaceServiceAccountTokenCommand({
      workspaceId,
      serviceAccountId: accountId,
      name: `deploy-${Date.now()}`,
      secondsToLive: 300,
    }),
  );
  const key = token.serviceAccountToken!.key!;
  try {
    const base = request.grafanaUrl.replace(/\/$/, '');
    const datasource = {
      uid: DATASOURCE_UID,
      name: 'RamPay CloudWatch',
      type: 'cloudwatch',
      access: 'proxy',
      // The workspace's IAM role (Amazon Managed Grafana's name for it in the data source settings).
      jsonData: { authType: 'ec2_iam_role', defaultRegion: request.region },
    };
    const found = await grafanaApi(base, key, 'GET', `/api/datasources/uid/${DATASOURCE_UID}`);
    if (found.status === 404) await grafanaApi(base, key, 'POST', '/api/datasources', datasource);
    else await grafanaApi(base, key, 'PUT', `/api/datasources/uid/${DATASOURCE_UID}`, datasource);

    const provisioned: string[] = [];
    for (const [file, dashboard] of Object.entries(request.dashboards)) {
      await grafanaApi(base, key, 'POST', '/api/dashboards/db', {
        dashboard: withDeployment(dashboard, request.environment, request.variables),
        overwrite: true,
        message: `RamPay ${request.environment} deploy`,
      });
      provisioned.push(file);
    }
    return { dashboards: provisioned };
  } finally {
    await grafana.send(
      new DeleteWorkspaceServiceAccountTokenCommand({
        workspaceId,
        serviceAccountId: accountId,
        tokenId: token.serviceAccountToken!.id!,
      }),
    );
  }
}
