/**
 * The custom resource behind GrafanaWorkspace (CDK's Provider framework calls it on create, update and delete).
 * Create and update provision the workspace; delete does nothing, the workspace's own deletion removes it all.
 */
import { GrafanaClient } from '@aws-sdk/client-grafana';
import { provision, type GrafanaDashboard } from './provision';

interface ResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: {
    WorkspaceId: string;
    GrafanaUrl: string;
    Region: string;
    Environment: string;
    /** JSON: dashboards by file name. */
    Dashboards: string;
    /** JSON: text-box variable values. */
    Variables: string;
  };
}

export const handler = async (event: ResourceEvent): Promise<{ PhysicalResourceId: string }> => {
  const p = event.ResourceProperties;
  const physicalId = `${p.WorkspaceId}-dashboards`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId };
  const done = await provision(new GrafanaClient({ region: p.Region }), {
    workspaceId: p.WorkspaceId,
    grafanaUrl: p.GrafanaUrl,
    region: p.Region,
    environment: p.Environment,
    dashboards: JSON.parse(p.Dashboards) as Record<string, GrafanaDashboard>,
    variables: JSON.parse(p.Variables) as Record<string, string>,
  });
  console.log(JSON.stringify({ message: 'grafana provisioned', dashboards: done.dashboards }));
  return { PhysicalResourceId: physicalId };
};
