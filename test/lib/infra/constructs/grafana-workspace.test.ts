/**
 * The optional Grafana workspace: absent by default, and when an environment enables it, a workspace reading
 * CloudWatch through its own read-only role, with the dashboards and every name they need provisioned on deploy;
 * cdk-nag finds nothing unacknowledged either way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { loadConfig, parseConfig, ENVIRONMENT_NAMES } from '../../../../lib/infra/config';
import { DASHBOARDS_DIR } from '../../../../lib/infra/constructs/grafana-workspace';
import { CONSUMER_NAMES } from '../../../../functions/shared/events/topology';
import { synthesize, type SynthesizedEnvironment } from '../synth';

function findings(synth: SynthesizedEnvironment): string[] {
  return synth.validationReport.pluginReports.flatMap((r) =>
    r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}`),
  );
}

it('is off in every environment unless its config turns it on', () => {
  for (const name of ENVIRONMENT_NAMES) expect(loadConfig(name).grafana.enabled).toBe(false);
});

describe('off (the default)', () => {
  const synth = synthesize('dev');
  it('makes no workspace and no provisioner', () => {
    synth.templates.observability.resourceCountIs('AWS::Grafana::Workspace', 0);
    synth.templates.observability.resourceCountIs('Custom::RamPayGrafanaDashboards', 0);
  });
});

describe('on', () => {
  const base = loadConfig('dev');
  const config = parseConfig({ ...base, grafana: { enabled: true } });
  const synth = synthesize('dev', { config });
  const template = synth.templates.observability;

  it('makes a workspace with the CloudWatch data source, read through its own role', () => {
    template.resourceCountIs('AWS::Grafana::Workspace', 1);
    template.hasResourceProperties('AWS::Grafana::Workspace', {
      Name: 'rampay-dev',
      AccountAccessType: 'CURRENT_ACCOUNT',
      AuthenticationProviders: ['AWS_SSO'],
      PermissionType: 'CUSTOMER_MANAGED',
      DataSources: ['CLOUDWATCH'],
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrafanaWorkspaceRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'grafana.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      },
    });
    // Read-only: no CloudWatch action that writes.
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('cloudwatch:GetMetricData');
    expect(policies).not.toMatch(/cloudwatch:(Put|Delete|Set)/);
  });

  it('provisions every committed dashboard, with a value for each of their deployment variables', () => {
    const [resource] = Object.values(template.findResources('Custom::RamPayGrafanaDashboards')) as {
      Properties: { Dashboards: string; Variables: unknown; Environment: string; GrafanaUrl: unknown };
    }[];
    expect(resource).toBeDefined();
    expect(resource!.Properties.Environment).toBe('dev');
    const dashboards = JSON.parse(resource!.Properties.Dashboards) as Record<string, unknown>;
    for (const file of ['operations.json', 'business.json']) {
      expect(dashboards[file]).toEqual(JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')));
    }
    // Variables: a JSON string built with tokens; every text-box variable of the dashboards has an entry.
    const variables = JSON.stringify(resource!.Properties.Variables);
    const operations = dashboards['operations.json'] as {
      templating: { list: { name: string; type: string }[] };
    };
    const textboxes = operations.templating.list.filter((v) => v.type === 'textbox').map((v) => v.name);
    expect(textboxes).toEqual(expect.arrayContaining(CONSUMER_NAMES.map((c) => `dlq_${c}`)));
    for (const name of textboxes) expect(variables).toContain(`\\"${name}\\":`);
  });

  it('lets the provisioner mint tokens for this workspace only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const grafanaStatements = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('grafana:')));
    expect(grafanaStatements).toHaveLength(1);
    expect(JSON.stringify(grafanaStatements[0]!.Resource)).toContain('GrafanaWorkspace');
    expect(grafanaStatements[0]!.Resource).not.toBe('*');
  });

  it('outputs the workspace URL', () => {
    template.hasOutput('GrafanaUrl', {});
  });

  it('passes cdk-nag', () => {
    expect(findings(synth)).toEqual([]);
  });
});
