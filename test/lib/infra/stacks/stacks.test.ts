/**
 * Assertion tests for every stack of the CDK app, per environment. One file on purpose: loading aws-cdk-lib
 * costs seconds per test file, and each environment is synthesized once here and shared by every block.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { API_ROUTES } from '../../../../functions/api/routes';
import { CONSUMER_NAMES, TOPIC_NAMES } from '../../../../functions/shared/events/topology';
import { SCOPES } from '../../../../functions/shared/http/auth';
import {
  ENVIRONMENT_NAMES,
  ENVIRONMENTS,
  loadConfig,
  parseConfig,
  type EnvironmentConfig,
} from '../../../../lib/infra/config';
import { FUNCTIONS } from '../../../../lib/infra/config/functions';
import { outputKeys } from '../../../../lib/infra/constructs/event-consumer-settings';
import { PARTS, resourcesOf, synthesize, type SynthesizedEnvironment } from '../synth';

const synthesized: Record<string, SynthesizedEnvironment> = Object.fromEntries(
  ENVIRONMENT_NAMES.map((name) => [name, synthesize(name)]),
);
const dev = synthesized.dev!;
const prod = synthesized.prod!;
// With an account and region the VPC spreads over the configured AZs; the lookup comes from context (what
// cdk.context.json holds after a deploy), so this stays offline.
const prodInAccount = synthesize('prod', {
  env: { account: '111111111111', region: 'eu-west-1' },
  context: {
    'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  },
});

const external = synthesize('dev', {
  config: parseConfig({
    ...ENVIRONMENTS.dev,
    auth: { kind: 'external', issuer: 'https://id.example.com/', audience: ['rampay-api'], scopePrefix: '' },
  }),
});

// Actions that have no resource-level permissions in IAM, and so may only ever appear with Resource "*".
const RESOURCELESS_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

type Statement = { Action: string | string[]; Resource?: unknown; NotResource?: unknown; Effect: string };

type FunctionResource = ReturnType<typeof resourcesOf>[number];
const variablesOf = (fn: FunctionResource) =>
  (fn.resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
  {};

/** Every statement of the policies attached to a function's execution role (in the function's own template). */
function roleStatements(template: { toJSON(): unknown }, fn: FunctionResource): Statement[] {
  const roleId = (fn.resource.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const resources = (template.toJSON() as { Resources: Record<string, FunctionResource['resource']> })
    .Resources;
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties?.Roles as unknown[]).some(
          (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
        ),
    )
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => ([] as string[]).concat(s.Action));

/**
 * rds-db:connect's resource: the database user on the data stack's proxy, named by the proxy's resource id (with
 * the account and region written out where the environment pins them).
 */
const proxyDatabaseUser = (config: EnvironmentConfig) => ({
  'Fn::Join': [
    '',
    [
      ...(config.account && config.region
        ? [`arn:aws:rds-db:${config.region}:${config.account}:dbuser:`]
        : [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':rds-db:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':dbuser:',
          ]),
      {
        'Fn::Select': [
          6,
          {
            'Fn::Split': [
              ':',
              { 'Fn::ImportValue': expect.stringMatching(/^RamPay-[a-z]+-data:.*DatabaseProxy.*DBProxyArn/) },
            ],
          },
        ],
      },
      '/rampay_admin',
    ],
  ],
});

describe.each(Object.keys(synthesized))('%s', (name) => {
  const { templates, validationReport, config } = synthesized[name]!;
  const all = PARTS.map((p) => templates[p]);

  it('has no cdk-nag AwsSolutions finding that is not acknowledged (errors or warnings)', () => {
    const findings = validationReport.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}`),
    );
    expect(findings).toEqual([]);
  });

  it('puts exactly the functions that use the database in the VPC', () => {
    const functions = resourcesOf(all, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) {
      const vars = variablesOf(fn);
      const usesDatabase = vars.DB_HOST !== undefined;
      const inVpc = fn.resource.Properties?.VpcConfig !== undefined;
      expect({ id: fn.id, inVpc }).toEqual({ id: fn.id, inVpc: usesDatabase });
      if (usesDatabase) expect(vars.DB_SSL).toBe('verify-full');
    }
  });

  it('signs every database function in to the proxy with IAM as the database user; only the migrator reads the secret', () => {
    const databaseFunctions = PARTS.flatMap((part) =>
      resourcesOf([templates[part]], 'AWS::Lambda::Function')
        .filter((fn) => variablesOf(fn).DB_HOST !== undefined)
        .map((fn) => ({ fn, statements: roleStatements(templates[part], fn) })),
    );
    expect(databaseFunctions.length).toBeGreaterThan(5);
    for (const { fn, statements } of databaseFunctions) {
      const vars = variablesOf(fn);
      const readsDatabaseSecret = statements.some(
        (s) =>
          actionsOf([s]).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(s.Resource).includes('DatabaseCredentials'),
      );
      const connects = statements.filter((s) => actionsOf([s]).includes('rds-db:connect'));
      if (fn.resource.Properties?.FunctionName === `rampay-${config.name}-migrate`) {
        // Straight to the instance (IAM authentication off there) with the secret's password.
        expect(vars).toMatchObject({ DB_SECRET_ARN: expect.anything() });
        expect(vars.DB_USER).toBeUndefined();
        expect(readsDatabaseSecret).toBe(true);
        expect(connects).toEqual([]);
      } else {
        expect({ id: fn.id, DB_USER: vars.DB_USER, DB_SECRET_ARN: vars.DB_SECRET_ARN }).toEqual({
          id: fn.id,
          DB_USER: 'rampay_admin',
          DB_SECRET_ARN: undefined,
        });
        expect({ id: fn.id, readsDatabaseSecret }).toEqual({ id: fn.id, readsDatabaseSecret: false });
        expect(connects).toEqual([
          { Action: 'rds-db:connect', Effect: 'Allow', Resource: proxyDatabaseUser(config) },
        ]);
      }
      // The database secret reaches no function's environment or policy but the migrator's.
      if (vars.DB_SECRET_ARN === undefined) {
        expect(JSON.stringify({ vars, statements })).not.toContain('DatabaseCredentials');
      }
    }
    expect(
      databaseFunctions
        .filter(({ fn }) => variablesOf(fn).DB_SECRET_ARN !== undefined)
        .map(({ fn }) => fn.id),
    ).toEqual([expect.stringMatching(/^Migrator/)]);
  });

  it('grants no wildcard action and no "*" resource beyond X-Ray', () => {
    const policies = [
      ...resourcesOf(all, 'AWS::IAM::Policy').map((p) => p.resource.Properties?.PolicyDocument),
      ...resourcesOf(all, 'AWS::IAM::Role').flatMap((r) =>
        ((r.resource.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
          (p) => p.PolicyDocument,
        ),
      ),
    ] as { Statement: Statement[] }[];
    expect(policies.length).toBeGreaterThan(5);
    for (const statement of policies.flatMap((p) => p.Statement)) {
      const actions = ([] as string[]).concat(statement.Action);
      for (const action of actions) expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      if (statement.Resource === '*') {
        for (const action of actions)
          expect(RESOURCELESS_ACTIONS.has(action) ? action : `${action} on *`).toBe(action);
      }
    }
  });

  it('writes no secret value into a template: database credentials are generated into Secrets Manager', () => {
    for (const template of all) {
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toMatch(/"(MasterUserPassword|Password|password)":\s*"[^"{]/);
    }
    const [secret] = resourcesOf([synthesized[name]!.templates.data], 'AWS::SecretsManager::Secret');
    expect(secret?.resource.Properties?.GenerateSecretString).toMatchObject({
      SecretStringTemplate: JSON.stringify({ username: 'rampay_admin' }),
      GenerateStringKey: 'password',
    });
    for (const { resource } of resourcesOf(all, 'AWS::Lambda::Function')) {
      const vars = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      for (const key of Object.keys(vars ?? {})) expect(key).not.toMatch(/PASSWORD|TOKEN|PRIVATE/);
    }
  });

  it('protects every stack from deletion unless the environment is meant to be destroyed', () => {
    for (const part of PARTS) {
      expect(synthesized[name]!.rampay[part].terminationProtection).toBe(config.removalPolicy !== 'destroy');
    }
  });

  it('names every stack RamPay-<env>-<part>', () => {
    const stacks = Object.values(synthesized[name]!.rampay).filter(
      (v): v is { stackName: string } => typeof v === 'object' && v !== null && 'stackName' in v,
    );
    expect(stacks.map((s) => s.stackName).sort()).toEqual(
      PARTS.map((p) => `RamPay-${config.name}-${p}`).sort(),
    );
  });

  it('runs every function of ours on nodejs22.x, arm64, X-Ray active, with the Powertools settings', () => {
    const ours = resourcesOf(all, 'AWS::Lambda::Function').filter((f) =>
      String(f.resource.Properties?.FunctionName ?? '').startsWith(`rampay-${config.name}-`),
    );
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const { resource } of ours) {
      expect(resource.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: expect.objectContaining({
            RAMPAY_ENV: config.name,
            POWERTOOLS_METRICS_NAMESPACE: 'RamPay',
            POWERTOOLS_LOG_LEVEL: config.logLevel,
            POWERTOOLS_SERVICE_NAME: expect.any(String),
          }),
        },
      });
    }
  });
});

describe('network stack', () => {
  it('has private subnets only and no route to the internet when natGateways is 0', () => {
    const network = dev.templates.network;
    network.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.10.0.0/16' });
    network.resourceCountIs('AWS::EC2::InternetGateway', 0);
    network.resourceCountIs('AWS::EC2::NatGateway', 0);
    // app + data subnet per AZ, none public.
    network.resourceCountIs('AWS::EC2::Subnet', 4);
    for (const { resource } of resourcesOf([network], 'AWS::EC2::Subnet')) {
      expect(resource.Properties?.MapPublicIpOnLaunch).toBe(false);
    }
    prodInAccount.templates.network.resourceCountIs('AWS::EC2::Subnet', 6);
  });

  it('logs all traffic to CloudWatch with the configured retention', () => {
    dev.templates.network.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    dev.templates.network.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    prodInAccount.templates.network.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('has a private-DNS interface endpoint for every AWS API the functions call, reachable from the VPC on 443 only', () => {
    const endpoints = resourcesOf([dev.templates.network], 'AWS::EC2::VPCEndpoint');
    const services = endpoints.map((e) => JSON.stringify(e.resource.Properties?.ServiceName));
    for (const service of ['.secretsmanager', '.sns', '.email', '.xray']) {
      expect(services.some((s) => s.includes(`${service}"`))).toBe(true);
    }
    expect(endpoints).toHaveLength(4);
    for (const { resource } of endpoints) {
      expect(resource.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    }
    const endpointGroups = resourcesOf([dev.templates.network], 'AWS::EC2::SecurityGroup').filter((g) =>
      /^Vpc(SecretsManager|Sns|Email|XRay)SecurityGroup/.test(g.id),
    );
    expect(endpointGroups).toHaveLength(4);
    for (const { resource } of endpointGroups) {
      expect(resource.Properties?.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: '10.10.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ]);
    }
  });
});

describe('data stack', () => {
  const data = dev.templates.data;

  it('runs PostgreSQL 16 at a pinned minor version, encrypted, private, on a non-default port, with TLS forced by its parameter group', () => {
    data.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp('^16\\.\\d+$'),
      StorageEncrypted: true,
      PubliclyAccessible: false,
      Port: '5433',
      DBName: 'rampay',
      EnableCloudwatchLogsExports: ['postgresql'],
    });
    data.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres16',
      Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
    });
  });

  it('keeps the credentials in a generated secret rotated on schedule, read by the proxy', () => {
    data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    data.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      Auth: [
        Match.objectLike({
          AuthScheme: 'SECRETS',
          SecretArn: { Ref: Match.stringLikeRegexp('^DatabaseCredentials') },
        }),
      ],
    });
  });

  it('requires IAM authentication (and TLS) from every client of the proxy; the instance keeps IAM auth off', () => {
    for (const env of [dev, prod]) {
      env.templates.data.hasResourceProperties('AWS::RDS::DBProxy', {
        RequireTLS: true,
        Auth: [Match.objectLike({ IAMAuth: 'REQUIRED' })],
      });
      const [instance] = resourcesOf([env.templates.data], 'AWS::RDS::DBInstance');
      expect(instance?.resource.Properties?.EnableIAMDatabaseAuthentication).not.toBe(true);
    }
    // What an operator needs to connect: the endpoint and the user (with an IAM token), no secret ARN.
    expect(Object.keys(data.toJSON().Outputs as Record<string, unknown>)).toEqual(
      expect.arrayContaining(['DatabaseProxyEndpoint', 'DatabaseUser']),
    );
    data.hasOutput('DatabaseUser', { Value: 'rampay_admin' });
    // The secret's ARN is exported for one release only (the old import must go before the export can), and no
    // stack imports it any more.
    const outputs = data.toJSON().Outputs as Record<string, { Export?: { Name: string } }>;
    expect(
      Object.entries(outputs)
        .filter(([, o]) => JSON.stringify(o).includes('DatabaseCredentials'))
        .map(([, o]) => o.Export?.Name),
    ).toEqual(['RamPay-dev-data:ExportsOutputRefDatabaseCredentialsAttachment7BAB329F508B30D6']);
    for (const part of PARTS) {
      expect(JSON.stringify(dev.templates[part].toJSON().Resources)).not.toContain(
        'ExportsOutputRefDatabaseCredentialsAttachment',
      );
    }
  });

  it('lets only the database client group reach the proxy, and nothing reach either from an address range', () => {
    const ingress = resourcesOf([data], 'AWS::EC2::SecurityGroupIngress').map(
      (r) => r.resource.Properties ?? {},
    );
    for (const rule of ingress) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.SourceSecurityGroupId).toBeDefined();
    }
    const groups = data.findResources('AWS::EC2::SecurityGroup');
    const idOf = (prefix: string) => Object.keys(groups).find((k) => k.startsWith(prefix))!;
    const proxyRules = ingress.filter((r) => JSON.stringify(r.GroupId).includes(idOf('ProxySecurityGroup')));
    expect(proxyRules).toEqual([
      expect.objectContaining({
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { 'Fn::GetAtt': [idOf('ClientSecurityGroup'), 'GroupId'] },
      }),
    ]);
    // The database itself: from the proxy, the migrator and the rotation function, on its own port.
    const instanceRules = ingress.filter((r) =>
      JSON.stringify(r.GroupId).includes(idOf('InstanceSecurityGroup')),
    );
    expect(instanceRules).toHaveLength(3);
    const instancePort = [5433, { 'Fn::GetAtt': [expect.stringMatching(/^Database/), 'Endpoint.Port'] }];
    for (const rule of instanceRules) {
      expect(instancePort).toContainEqual(rule.FromPort);
      expect(rule.ToPort).toEqual(rule.FromPort);
    }
    // The client group cannot go anywhere but the proxy and the VPC endpoints.
    data.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [idOf('ClientSecurityGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [idOf('ProxySecurityGroup'), 'GroupId'] },
      FromPort: 5432,
      ToPort: 5432,
    });
    data.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Functions that use the database'),
      SecurityGroupEgress: [
        {
          CidrIp: '10.10.0.0/16',
          FromPort: 443,
          ToPort: 443,
          IpProtocol: 'tcp',
          Description: Match.anyValue(),
        },
      ],
    });
  });

  it('applies the migrations on deploy with a Trigger after the instance, from a bundle that carries them', () => {
    const triggers = resourcesOf([data], 'Custom::Trigger');
    expect(triggers).toHaveLength(1);
    const [migrator] = resourcesOf([data], 'AWS::Lambda::Function').filter(
      (f) => f.resource.Properties?.FunctionName === 'rampay-dev-migrate',
    );
    expect(migrator?.resource.Properties).toMatchObject({
      Environment: {
        Variables: expect.objectContaining({ MIGRATIONS_DIR: '/var/task/migrations', DB_PORT: '5433' }),
      },
      Timeout: 300,
    });
    const trigger = data.toJSON().Resources[triggers[0]!.id] as {
      DependsOn?: string[];
      Properties: { HandlerArn: unknown };
    };
    expect(JSON.stringify(trigger.Properties.HandlerArn)).toContain('MigratorFunctionCurrentVersion');
    expect(trigger.DependsOn?.some((d) => d.startsWith('Database'))).toBe(true);
  });

  it('makes dev destroyable: single-AZ, no deletion protection, data deleted with the stack', () => {
    data.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ MultiAZ: false, DeletionProtection: false, BackupRetentionPeriod: 1 }),
    });
    data.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    for (const { resource } of resourcesOf([data], 'AWS::Logs::LogGroup'))
      expect(resource.DeletionPolicy).toBe('Delete');
  });

  it('makes prod safe: Multi-AZ, deletion protection, 35-day backups, Performance Insights, data retained', () => {
    // Retained on deletion and replacement; only a failed creation deletes what it made.
    prod.templates.data.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        MultiAZ: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 35,
        EnablePerformanceInsights: true,
        PerformanceInsightsRetentionPeriod: 731,
        DBInstanceClass: 'db.r7g.large',
      }),
    });
    prod.templates.data.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'RetainExceptOnCreate',
    });
    for (const { resource } of resourcesOf([prod.templates.data], 'AWS::Logs::LogGroup')) {
      expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
  });
});

describe('messaging stack', () => {
  const messaging = dev.templates.messaging;

  it('has one topic per topology topic, encrypted with the rotating events key', () => {
    messaging.resourceCountIs('AWS::SNS::Topic', TOPIC_NAMES.length);
    for (const name of TOPIC_NAMES) {
      messaging.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `rampay-dev-${name}`,
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsKey'), 'Arn'] },
      });
    }
    messaging.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('refuses publishes that do not use TLS', () => {
    messaging.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('api stack', () => {
  const api = dev.templates.api;
  const config = loadConfig('dev');

  it('creates a Cognito user pool with a resource server carrying every RamPay scope', () => {
    api.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'rampay',
      Scopes: SCOPES.map((s) => Match.objectLike({ ScopeName: s })),
    });
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      GenerateSecret: true,
    });
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: Match.stringLikeRegexp('^UserPool') },
            ],
          ],
        },
        Audience: [
          { Ref: Match.stringLikeRegexp('^UserPoolServiceClient') },
          { Ref: Match.stringLikeRegexp('^UserPoolConsoleClient') },
        ],
      },
    });
  });

  it('routes every API route to its function with the route scope (Cognito prefix included); /health is open', () => {
    const routes = resourcesOf([api], 'AWS::ApiGatewayV2::Route').map((r) => r.resource.Properties ?? {});
    expect(routes).toHaveLength(API_ROUTES.length);
    for (const { route } of API_ROUTES) {
      const found = routes.find((r) => r.RouteKey === `${route.method} ${route.path}`);
      if (route.scope === 'public') expect(found).toMatchObject({ AuthorizationType: 'NONE' });
      else
        expect(found).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizationScopes: [`rampay/${route.scope}`],
        });
    }
  });

  it('adds the merchant claim trigger (V3, for client-credentials tokens) to the user pool', () => {
    const withTrigger = dev.templates.api;
    withTrigger.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MerchantClaimFunction'), 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
    });
    withTrigger.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rampay-dev-merchant-claim',
      VpcConfig: Match.absent(),
    });
  });

  it('uses an external issuer from config instead of Cognito, with its audience and scope names', () => {
    const template = external.templates.api;
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.com/', Audience: ['rampay-api'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /payments',
      AuthorizationScopes: ['payments:write'],
    });
  });

  it('logs access as JSON and throttles the stage, with CORS from config', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
      DefaultRouteSettings: {
        ThrottlingRateLimit: config.api.throttle.rateLimit,
        ThrottlingBurstLimit: config.api.throttle.burstLimit,
      },
    });
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      // The configured origins, then the console's CloudFront address.
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [...config.api.cors.allowOrigins, { 'Fn::Join': ['', ['https://', Match.anyValue()]] }],
      }),
    });
  });

  it('gives each payment function only the topic it publishes to, and rds-db:connect on the proxy, no database secret', () => {
    const policies = resourcesOf([api], 'AWS::IAM::Policy');
    const statementsOf = (fn: string) =>
      JSON.stringify(policies.find((p) => p.id.startsWith(`${fn}Role`))?.resource.Properties?.PolicyDocument);
    expect(statementsOf('CreatePayment')).toContain('sns:Publish');
    expect(statementsOf('CreatePayment')).toContain('PaymentsTopic');
    expect(statementsOf('CreatePayment')).not.toContain('FraudTopic');
    expect(statementsOf('GetPayment')).not.toContain('sns:Publish');
    for (const fn of ['CreatePayment', 'GetPayment', 'Health']) {
      expect(statementsOf(fn)).toContain('rds-db:connect');
      expect(statementsOf(fn)).toContain('/rampay_admin');
    }
    // No API function reads any secret: the database and the cache are IAM authentication.
    const apiFunctions = resourcesOf([api], 'AWS::Lambda::Function').filter((fn) =>
      String(fn.resource.Properties?.FunctionName).startsWith(`rampay-${config.name}-`),
    );
    expect(apiFunctions.length).toBeGreaterThan(5);
    for (const fn of apiFunctions) {
      const secretStatements = roleStatements(api, fn).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
      );
      expect({ id: fn.id, secretStatements }).toEqual({ id: fn.id, secretStatements: [] });
    }
  });

  it('tells the handlers the scope prefix and the topic ARNs', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rampay-dev-create-payment',
      Environment: {
        Variables: Match.objectLike({
          AUTH_SCOPE_PREFIX: 'rampay/',
          PAYMENTS_TOPIC_ARN: Match.anyValue(),
          FRAUD_TOPIC_ARN: Match.anyValue(),
          MERCHANTS_TOPIC_ARN: Match.anyValue(),
          DB_HOST: { 'Fn::ImportValue': Match.stringLikeRegexp('DatabaseProxy.*Endpoint') },
          DB_PORT: '5432',
          DB_USER: 'rampay_admin',
        }),
      },
      MemorySize: config.lambda.api.memoryMb,
      Timeout: config.lambda.api.timeoutSeconds,
    });
  });
});

describe('services stack', () => {
  const services = dev.templates.services;

  it('runs housekeeping daily, in the VPC, publishing nothing', () => {
    services.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HousekeepingFunction'), 'Arn'] } }),
      ],
    });
    services.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rampay-dev-housekeeping',
      VpcConfig: Match.objectLike({ SecurityGroupIds: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'housekeeping' }) },
    });
  });

  it('runs the outbox relay every minute, in the VPC, allowed to publish to both topics', () => {
    services.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OutboxRelayFunction'), 'Arn'] } }),
      ],
    });
    services.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rampay-dev-outbox-relay',
      VpcConfig: Match.objectLike({ SecurityGroupIds: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'outbox' }) },
    });
    const policy = JSON.stringify(services.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('PaymentsTopic');
    expect(policy).toContain('FraudTopic');
  });

  it('deploys every function of the table, and only those', () => {
    const names = resourcesOf([dev.templates.api, dev.templates.services], 'AWS::Lambda::Function').map((f) =>
      String(f.resource.Properties?.FunctionName),
    );
    const kebab = (id: string) => id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    for (const spec of FUNCTIONS) expect(names).toContain(`rampay-dev-${kebab(spec.id)}`);
    expect(names.filter((n) => n.startsWith('rampay-dev-'))).toHaveLength(FUNCTIONS.length);
  });

  describe('the consumers', () => {
    const services = dev.templates.services;
    const config = loadConfig('dev');

    it('gives each topology consumer its encrypted queue, DLQ and subscription DLQ, found by the DLQ CLI through outputs', () => {
      const queues = resourcesOf([services], 'AWS::SQS::Queue');
      expect(queues).toHaveLength(3 * CONSUMER_NAMES.length);
      for (const { resource } of queues) {
        expect(resource.Properties?.KmsMasterKeyId).toEqual({
          'Fn::ImportValue': expect.stringMatching(/QueuesKey/),
        });
      }
      for (const consumer of CONSUMER_NAMES) {
        services.hasResourceProperties('AWS::SQS::Queue', {
          VisibilityTimeout: config.consumers[consumer].visibilityTimeoutSeconds,
          RedrivePolicy: Match.objectLike({ maxReceiveCount: config.consumers[consumer].maxReceiveCount }),
        });
      }
    });

    it("outputs each consumer function's log group, where the DLQ CLI reads why a message failed", () => {
      const outputs = services.toJSON().Outputs as Record<string, { Value: { Ref: string } }>;
      const resources = services.toJSON().Resources as Record<
        string,
        { Properties: Record<string, unknown> }
      >;
      for (const consumer of CONSUMER_NAMES) {
        const logGroup = outputs[outputKeys(consumer).logGroup]!.Value.Ref;
        const fn = Object.values(resources).find(
          (r) => r.Properties.FunctionName === `rampay-dev-${consumer}-consumer`,
        );
        expect(fn?.Properties.LoggingConfig).toEqual(
          expect.objectContaining({ LogGroup: { Ref: logGroup } }),
        );
      }
    });

    it('maps every queue to its consumer with partial batch failures and the configured batching', () => {
      const mappings = resourcesOf([services], 'AWS::Lambda::EventSourceMapping');
      expect(mappings).toHaveLength(CONSUMER_NAMES.length);
      for (const consumer of CONSUMER_NAMES) {
        const settings = config.consumers[consumer];
        services.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BatchSize: settings.batchSize,
          // No window at all when it is 0 (the webhooks queue: a delivery leaves at once).
          MaximumBatchingWindowInSeconds: settings.maxBatchingWindowSeconds || Match.absent(),
          ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
        });
      }
      services.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'rampay-dev-fraud-consumer',
        Timeout: config.consumers.fraud.consumerTimeoutSeconds,
        MemorySize: config.consumers.fraud.memoryMb,
      });
    });

    it('sends DLQ alarms to the alarm topic by its fixed ARN', () => {
      const alarms = resourcesOf([services], 'AWS::CloudWatch::Alarm');
      // Per consumer: its DLQ and its subscriptions' DLQ.
      expect(alarms).toHaveLength(2 * CONSUMER_NAMES.length);
      for (const { resource } of alarms) {
        expect(JSON.stringify(resource.Properties?.AlarmActions)).toContain(':rampay-dev-alarms');
      }
    });

    it('gives the fraud consumer the arm64 onnxruntime layer, the model folder, the thresholds and no onnxruntime telemetry', () => {
      services.hasResourceProperties('AWS::Lambda::LayerVersion', {
        CompatibleArchitectures: ['arm64'],
        CompatibleRuntimes: ['nodejs22.x'],
      });
      services.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'rampay-dev-fraud-consumer',
        Layers: [{ Ref: Match.stringLikeRegexp('^OnnxRuntimeLayer') }],
        Environment: {
          Variables: Match.objectLike({
            MODEL_DIR: '/var/task/models',
            FRAUD_THRESHOLDS: JSON.stringify(config.fraud.thresholds),
            ORT_DISABLE_TELEMETRY: '1',
          }),
        },
      });
      for (const other of ['rampay-dev-notifications-consumer', 'rampay-dev-analytics-consumer']) {
        const fn = resourcesOf([services], 'AWS::Lambda::Function').find(
          (f) => f.resource.Properties?.FunctionName === other,
        );
        expect(fn?.resource.Properties?.Layers).toBeUndefined();
      }
    });

    it('gives the notifications consumer its templates, the SES configuration set and identity, and the hash key', () => {
      services.hasResourceProperties('AWS::SES::ConfigurationSet', {
        Name: config.notifications.configurationSetName,
      });
      services.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: config.notifications.senderIdentity,
      });
      // Sandbox: each allowed recipient is an identity of its own.
      for (const address of config.notifications.sandboxRecipients ?? []) {
        services.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: address });
      }
      const fn = resourcesOf([services], 'AWS::Lambda::Function').find(
        (f) => f.resource.Properties?.FunctionName === 'rampay-dev-notifications-consumer',
      );
      const vars = (fn?.resource.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars).toMatchObject({
        SES_FROM_ADDRESS: config.notifications.fromAddress,
        SES_CONFIGURATION_SET: config.notifications.configurationSetName,
        FRAUD_OPS_ADDRESS: config.notifications.fraudOpsAddress,
        SES_SANDBOX_RECIPIENTS: (config.notifications.sandboxRecipients ?? []).join(','),
        RECIPIENT_HASH_SECRET_ARN: { Ref: expect.stringMatching(/RecipientHashKey/) },
        NOTIFICATION_TEMPLATES_DIR: expect.stringMatching(/^\/var\/task\//),
      });
      // The claim lease outlives an attempt and ends before SQS redelivers.
      const lease = Number(vars.NOTIFICATION_LEASE_SECONDS);
      expect(lease).toBeGreaterThan(config.consumers.notifications.consumerTimeoutSeconds);
      expect(lease).toBeLessThan(config.consumers.notifications.visibilityTimeoutSeconds);
      const policy = resourcesOf([services], 'AWS::IAM::Policy').find((p) =>
        p.id.startsWith('NotificationsConsumerRole'),
      );
      expect(JSON.stringify(policy?.resource.Properties?.PolicyDocument)).toContain('RecipientHashKey');
    });

    it('lets the notifications consumer send e-mail only from the configured identity, and SMS but not topic publishes', () => {
      const policy = resourcesOf([services], 'AWS::IAM::Policy').find((p) =>
        p.id.startsWith('NotificationsConsumerRole'),
      );
      const statements = (
        policy?.resource.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }
      ).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: 'ses:SendEmail',
          Condition: { StringEquals: { 'ses:FromAddress': config.notifications.fromAddress } },
          Resource: expect.arrayContaining([
            expect.objectContaining({
              'Fn::Join': ['', expect.arrayContaining([`:identity/${config.notifications.senderIdentity}`])],
            }),
            expect.objectContaining({
              'Fn::Join': [
                '',
                expect.arrayContaining([
                  ':configuration-set/',
                  { Ref: expect.stringMatching(/ConfigurationSet/) },
                ]),
              ],
            }),
          ]),
        }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: 'sns:Publish', NotResource: expect.objectContaining({}) }),
      );
    });
  });
});

describe('observability stack', () => {
  it('has an encrypted alarm topic with a fixed name and one e-mail subscription per configured address', () => {
    const template = prod.templates.observability;
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'rampay-prod-alarms',
      KmsMasterKeyId: Match.anyValue(),
    });
    const emails = loadConfig('prod').alarms.emails;
    expect(emails.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::SNS::Subscription', emails.length);
    for (const email of emails) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
    }
    dev.templates.observability.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('lets CloudWatch use the alarm key, and sends the alarms of the operations view to the topic', () => {
    const template = dev.templates.observability;
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    const alarms = resourcesOf([template], 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(CONSUMER_NAMES.length);
    for (const { resource } of alarms) {
      expect(resource.Properties?.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    }
  });

  it('takes alarm thresholds from the config', () => {
    const thresholds = loadConfig('prod').alarms.thresholds;
    expect(thresholds.apiLatencyP99Ms).toBeDefined();
    prod.templates.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'rampay-prod-api-latency-p99',
      Threshold: thresholds.apiLatencyP99Ms,
    });
    prod.templates.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'rampay-prod-rds-free-storage',
      Threshold: (thresholds.rdsFreeStorageGiB ?? 0) * 1024 ** 3,
    });
  });

  it('has one dashboard for the environment, with the API, every function and every consumer queue', () => {
    const template = dev.templates.observability;
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'RamPay-dev' });
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('AWS/ApiGateway');
    for (const spec of FUNCTIONS) expect(body).toContain(`Function ${spec.id}`);
    for (const consumer of CONSUMER_NAMES) expect(body).toContain(`Queue ${consumer}`);
  });
});

describe('console stacks', () => {
  const hosting = dev.templates.console;
  const content = dev.templates['console-content'];

  it('keeps the files in a private, encrypted, TLS-only bucket that only the distribution reads', () => {
    hosting.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
    });
    hosting.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    const policy = JSON.stringify(hosting.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('aws:SecureTransport');
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).not.toMatch(/"Principal":\s*"\*"[^}]*"Effect":\s*"Allow"/);
  });

  it('serves over HTTPS only with security headers and a content security policy', () => {
    hosting.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    const [headers] = Object.values(hosting.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as {
      Properties: {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
      };
    }[];
    const security = headers!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(JSON.stringify(security.ContentSecurityPolicy)).toContain("default-src 'self'");
    expect(JSON.stringify(security.ContentSecurityPolicy)).toContain("frame-ancestors 'none'");
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(security.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true });
    expect(security.ContentTypeOptions).toMatchObject({ Override: true });
  });

  it('signs users in through the hosted UI: a public client with the code grant, back to the console', () => {
    dev.templates.api.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'rampay-console',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
    });
    for (const group of ['merchant', 'operator']) {
      dev.templates.api.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    }
    // A merchant back end's client never gets the operators' scope.
    const service = Object.values(dev.templates.api.findResources('AWS::Cognito::UserPoolClient')).find(
      (c) => (c as { Properties: { ClientName?: string } }).Properties.ClientName === 'rampay-service',
    ) as { Properties: { AllowedOAuthScopes: unknown[] } };
    const scopes = JSON.stringify(service.Properties.AllowedOAuthScopes);
    expect(scopes).toContain('/reviews:write');
    expect(scopes).not.toContain('/reviews:operate');
  });

  it('uploads the built console with its config.json and clears the cache', () => {
    const deployments = content.findResources('Custom::CDKBucketDeployment');
    expect(Object.keys(deployments)).toHaveLength(1);
    const [deployment] = Object.values(deployments) as { Properties: Record<string, unknown> }[];
    expect(deployment!.Properties.DistributionPaths).toEqual(['/index.html', '/config.json']);
    // The console build and config.json, whose API address and client id are filled in at deployment.
    expect((deployment!.Properties.SourceObjectKeys as unknown[]).length).toBe(2);
    const markers = JSON.stringify(deployment!.Properties.SourceMarkers);
    expect(markers).toContain('UserPoolConsoleClient');
    expect(markers).toContain('ExportsOutputRefApi');
    expect(markers).toContain('UserPoolDomain');
  });

  it('is left out where an external issuer signs tokens (no hosted UI to sign in with)', () => {
    expect(external.rampay.console).toBeUndefined();
    expect(prod.rampay.console).toBeDefined();
  });
});
