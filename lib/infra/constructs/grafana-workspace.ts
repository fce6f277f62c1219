/**
 * An Amazon Managed Grafana workspace for one environment: the workspace (customer-managed permissions: its own
 * IAM role, allowed to read CloudWatch and nothing else), and a custom resource that, on every deploy, creates the
 * CloudWatch data source through that role and puts RamPay's dashboards (grafana/dashboards/*.json, written by
 * `npm run grafana`) in it with the deployment's names (API id, database instance, queue names) filled in.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CustomResource,
  Duration,
  Stack,
  Validations,
  type CfnElement,
  type RemovalPolicy,
} from 'aws-cdk-lib';
import * as grafana from 'aws-cdk-lib/aws-grafana';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BUNDLING } from '../config/bundling';
import { REPO_ROOT } from '../config/functions';

export const DASHBOARDS_DIR = path.join(REPO_ROOT, 'grafana', 'dashboards');

export interface GrafanaWorkspaceProps {
  environment: string;
  authenticationProviders: readonly ('AWS_SSO' | 'SAML')[];
  /** Values of the dashboards' text-box variables: api_id, db_instance, queue_<consumer>, dlq_<consumer>. */
  variables: Readonly<Record<string, string>>;
  removalPolicy: RemovalPolicy;
  logRetentionDays: number;
  /** Where the dashboard files are (default grafana/dashboards). */
  dashboardsDir?: string;
}

/** The committed dashboards, by file name, compacted. */
export function readDashboards(dir = DASHBOARDS_DIR): Record<string, unknown> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no dashboards in ${dir}: run npm run grafana`);
  return Object.fromEntries(
    files.map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown]),
  );
}

export class GrafanaWorkspace extends Construct {
  readonly workspace: grafana.CfnWorkspace;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GrafanaWorkspaceProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'WorkspaceRole', {
      description: `RamPay ${props.environment} Grafana workspace: reads CloudWatch`,
      assumedBy: new iam.ServicePrincipal('grafana.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // What Amazon Managed Grafana's CloudWatch data source calls (its documented policy, metrics part).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudwatch:DescribeAlarmsForMetric',
          'cloudwatch:DescribeAlarmHistory',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:ListMetrics',
          'cloudwatch:GetMetricData',
          'cloudwatch:GetInsightRuleReport',
          'ec2:DescribeRegions',
          'tag:GetResources',
        ],
        resources: ['*'],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch ListMetrics, GetMetricData and DescribeAlarms, ec2:DescribeRegions and tag:GetResources support no resource-level permissions; the role is read-only.',
    });

    this.workspace = new grafana.CfnWorkspace(this, 'Workspace', {
      name: `rampay-${props.environment}`,
      description: `RamPay ${props.environment}: operations and business dashboards`,
      accountAccessType: 'CURRENT_ACCOUNT',
      authenticationProviders: [...props.authenticationProviders],
      permissionType: 'CUSTOMER_MANAGED',
      roleArn: this.role.roleArn,
      dataSources: ['CLOUDWATCH'],
    });
    this.workspace.applyRemovalPolicy(props.removalPolicy);

    const logGroup = new logs.LogGroup(this, 'ProvisionerLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const provisionerRole = new iam.Role(this, 'ProvisionerRole', {
      description: `RamPay ${props.environment}: puts the dashboards in the Grafana workspace`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(provisionerRole);
    provisionerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'grafana:ListWorkspaceServiceAccounts',
          'grafana:CreateWorkspaceServiceAccount',
          'grafana:CreateWorkspaceServiceAccountToken',
          'grafana:DeleteWorkspaceServiceAccountToken',
        ],
        resources: [
          stack.formatArn({
            service: 'grafana',
            resource: '/workspaces',
            resourceName: this.workspace.attrId,
          }),
        ],
      }),
    );
    const provisioner = new nodejs.NodejsFunction(this, 'Provisioner', {
      entry: path.join(__dirname, 'grafana', 'handler.ts'),
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: `RamPay ${props.environment}: provisions the Grafana workspace's data source and dashboards`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(2),
      role: provisionerRole,
      logGroup,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: BUNDLING.target,
        mainFields: BUNDLING.mainFields,
        banner: BUNDLING.banner,
        minify: true,
        sourceMap: false,
        bundleAwsSDK: true,
      },
    });
    Validations.of(provisioner).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is pinned on purpose, as for every RamPay function.',
    });
    const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
    Validations.of(provisionerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
      reason: "Writing to its own log group's streams, whose names Lambda chooses.",
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: provisioner,
      logGroup,
    });
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's custom resource framework function: its role is made by aws-cdk-lib.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(provisioner)}.Arn>:*]`,
        reason: "CDK's custom resource framework may invoke the provisioner's versions.",
      },
      { id: 'AwsSolutions-L1', reason: "CDK's custom resource framework chooses its runtime." },
    );

    new CustomResource(this, 'Dashboards', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::RamPayGrafanaDashboards',
      properties: {
        WorkspaceId: this.workspace.attrId,
        GrafanaUrl: `https://${this.workspace.attrEndpoint}`,
        Region: stack.region,
        Environment: props.environment,
        Dashboards: JSON.stringify(readDashboards(props.dashboardsDir)),
        Variables: stack.toJsonString(props.variables),
      },
    });
  }
}
