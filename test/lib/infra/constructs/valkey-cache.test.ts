import { Match } from 'aws-cdk-lib/assertions';
import { resourcesOf, synthesize } from '../synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const propertiesOf = (r: { resource: { Properties?: unknown } }): Json => r.resource.Properties;

const dev = synthesize('dev');
const prod = synthesize('prod');
const data = dev.templates.data;

describe('the Valkey cache', () => {
  it('is ElastiCache Serverless for Valkey in the data subnets, signed in to by an IAM-authenticated user', () => {
    data.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      ServerlessCacheName: 'rampay-dev',
      SubnetIds: Match.anyValue(),
      UserGroupId: 'rampay-dev',
      CacheUsageLimits: { DataStorage: { Maximum: 1, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000 } },
    });
    data.hasResourceProperties('AWS::ElastiCache::User', {
      Engine: 'valkey',
      UserId: 'rampay-dev-app',
      // IAM authentication requires the id and the name to be the same.
      UserName: 'rampay-dev-app',
      AuthenticationMode: { Type: 'iam' },
    });
    expect(
      data.findResources('AWS::SecretsManager::Secret', {
        Properties: { Description: Match.stringLikeRegexp('Valkey') },
      }),
    ).toEqual({});
    data.hasResourceProperties('AWS::ElastiCache::UserGroup', {
      Engine: 'valkey',
      UserIds: ['rampay-dev-app'],
    });
    prod.templates.data.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      CacheUsageLimits: { ECPUPerSecond: { Maximum: 200000 } },
    });
  });

  it('is reachable from the functions security group alone, on its two ports', () => {
    const cacheGroup = Object.keys(
      data.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('Valkey') },
      }),
    );
    expect(cacheGroup).toHaveLength(1);
    const ingress = resourcesOf([data], 'AWS::EC2::SecurityGroupIngress').filter(
      (r) =>
        JSON.stringify(r.resource.Properties?.GroupId) ===
        JSON.stringify({ 'Fn::GetAtt': [cacheGroup[0], 'GroupId'] }),
    );
    expect(ingress).toHaveLength(1);
    expect(propertiesOf(ingress[0]!)).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 6379,
      ToPort: 6380,
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ClientSecurityGroup/), 'GroupId'] },
    });
    // No CIDR ingress at all on the cache's group.
    const group: Json = data.findResources('AWS::EC2::SecurityGroup')[cacheGroup[0]!];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('hands every API function its endpoint, its user and the rate limits, and lets it connect as that user', () => {
    const functions = resourcesOf([dev.templates.api], 'AWS::Lambda::Function').filter(
      (f) => propertiesOf(f)?.Environment?.Variables?.AUTH_SCOPE_PREFIX !== undefined,
    );
    expect(functions.length).toBeGreaterThan(5);
    for (const f of functions) {
      const vars = propertiesOf(f).Environment.Variables;
      expect(vars.CACHE_ENDPOINT).toBeDefined();
      expect(vars).toMatchObject({ CACHE_NAME: 'rampay-dev', CACHE_USER: 'rampay-dev-app' });
      expect(vars.CACHE_SECRET_ARN).toBeUndefined();
      expect(JSON.parse(vars.RATE_LIMITS)).toEqual(dev.config.rateLimits);
    }
    const connects = resourcesOf([dev.templates.api], 'AWS::IAM::Policy').flatMap((p) =>
      propertiesOf(p).PolicyDocument.Statement.filter((s: Json) => s.Action === 'elasticache:Connect'),
    );
    expect(connects).toHaveLength(functions.length);
    for (const statement of connects) {
      // The cache and the application user, both by ARN imported from the data stack: nothing else.
      expect(statement.Resource).toHaveLength(2);
      expect(statement.Resource).toEqual(
        expect.arrayContaining([
          { 'Fn::ImportValue': expect.stringMatching(/GetAttCache[0-9A-F]{8}ARN/) },
          { 'Fn::ImportValue': expect.stringMatching(/GetAttCacheAppUser[0-9A-F]{8}Arn/) },
        ]),
      );
    }
  });

  it('alarms on errors (served without limits, refused sign-ins), throttles and latency, and has widgets', () => {
    const alarms = resourcesOf([dev.templates.observability], 'AWS::CloudWatch::Alarm').map((a) =>
      propertiesOf(a),
    );
    const byName = (suffix: string) => alarms.find((a) => a.AlarmName === `rampay-dev-cache-${suffix}`);
    // A metric with a label is written in the Metrics (math) form: read the one metric either way.
    const metricOf = (suffix: string) => {
      const alarm = byName(suffix);
      expect(alarm).toBeDefined();
      const stat = alarm!.Metrics?.[0]?.MetricStat;
      return stat
        ? { ...stat.Metric, stat: stat.Stat }
        : {
            MetricName: alarm!.MetricName,
            Namespace: alarm!.Namespace,
            stat: alarm!.ExtendedStatistic ?? alarm!.Statistic,
          };
    };
    expect(metricOf('unavailable')).toMatchObject({
      MetricName: 'RateLimitCacheUnavailable',
      Namespace: 'RamPay',
    });
    expect(metricOf('unavailable').Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'environment', Value: 'dev' },
        { Name: 'service', Value: 'api' },
      ]),
    );
    expect(metricOf('auth-failures')).toMatchObject({ MetricName: 'UserAuthenticationFailures' });
    expect(metricOf('throttles')).toMatchObject({
      MetricName: 'ThrottledCmds',
      Namespace: 'AWS/ElastiCache',
    });
    expect(metricOf('latency')).toMatchObject({ MetricName: 'SuccessfulReadRequestLatency', stat: 'p99' });
    for (const suffix of ['unavailable', 'auth-failures', 'throttles', 'latency']) {
      expect(byName(suffix)!.AlarmActions).toHaveLength(1);
    }
    const body = JSON.stringify(dev.templates.observability.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Cache latency p99');
    expect(body).toContain('ElastiCacheProcessingUnits');
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    for (const env of [dev, prod]) {
      const findings = env.validationReport.pluginReports.flatMap((r) =>
        r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}`),
      );
      expect(findings).toEqual([]);
    }
  });
});
