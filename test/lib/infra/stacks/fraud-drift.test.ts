/**
 * The fraud model's drift in the CDK app: the daily drift function (its schedule, the settings and model it
 * reads, no onnxruntime), its two alarms on the PSI threshold of the typed config, the dashboard row, and
 * cdk-nag with nothing to say.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { DRIFT_DEFAULTS, DRIFT_PSI_ALARM } from '../../../../functions/fraud/drift';
import { ENVIRONMENTS, parseConfig } from '../../../../lib/infra/config';
import { environmentConfigSchema } from '../../../../lib/infra/config/schema';
import { resourcesOf, synthesize } from '../synth';

const dev = synthesize('dev');
const { services, observability } = dev.templates;
const stricter = synthesize('dev', {
  config: parseConfig({
    ...ENVIRONMENTS.dev,
    fraud: {
      ...ENVIRONMENTS.dev.fraud,
      drift: { psiAlarm: 0.35, minimumAssessments: 50, sampleSize: 20_000 },
    },
  }),
});

type Fn = {
  Properties: {
    FunctionName: string;
    Environment?: { Variables?: Record<string, unknown> };
    Layers?: unknown;
  };
};
function drift(template = services) {
  const found = Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Fn>).find(
    ([, f]) => f.Properties.FunctionName === 'rampay-dev-fraud-drift',
  );
  if (!found) throw new Error('no drift function');
  return { id: found[0], properties: found[1].Properties };
}

function alarm(template: typeof observability, name: string) {
  const found = resourcesOf([template], 'AWS::CloudWatch::Alarm').find(
    ({ resource }) => resource.Properties?.AlarmName === name,
  );
  if (!found) throw new Error(`no alarm ${name}`);
  return found.resource.Properties!;
}

it('runs the drift function daily just after midnight UTC, without onnxruntime, on the settings of the config', () => {
  const fn = drift();
  services.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'cron(30 0 * * ? *)',
    Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] } })]),
  });
  expect(fn.properties.Layers).toBeUndefined();
  const variables = fn.properties.Environment!.Variables!;
  expect(variables.MODEL_DIR).toBe('/var/task/models');
  expect(variables.ORT_DISABLE_TELEMETRY).toBeUndefined();
  expect(JSON.parse(variables.FRAUD_DRIFT as string)).toEqual({
    minimumAssessments: 500,
    sampleSize: 200_000,
  });
  const other = drift(stricter.templates.services).properties.Environment!.Variables!;
  expect(JSON.parse(other.FRAUD_DRIFT as string)).toEqual({ minimumAssessments: 50, sampleSize: 20_000 });
});

it("has the config's defaults agree with the function's and model:monitor's", () => {
  const parsed = environmentConfigSchema.shape.fraud.shape.drift.parse(undefined);
  expect(parsed).toEqual({ psiAlarm: DRIFT_PSI_ALARM, ...DRIFT_DEFAULTS });
  expect(DRIFT_PSI_ALARM).toBe(0.2);
});

it('alarms on the score PSI and the highest feature PSI from the threshold of the config, to the alarm topic', () => {
  for (const [name, metric] of [
    ['rampay-dev-fraud-score-drift', 'ScorePsi'],
    ['rampay-dev-fraud-feature-drift', 'MaxFeaturePsi'],
  ] as const) {
    const properties = alarm(observability, name);
    expect(properties).toMatchObject({
      EvaluationPeriods: 1,
      Threshold: 0.2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const [watched] = properties.Metrics as { MetricStat: Record<string, unknown> }[];
    expect(watched!.MetricStat).toEqual({
      Metric: {
        Namespace: 'RamPay',
        MetricName: metric,
        Dimensions: expect.arrayContaining([
          { Name: 'service', Value: 'fraud' },
          { Name: 'environment', Value: 'dev' },
        ]),
      },
      Period: 86_400,
      Stat: 'Maximum',
    });
    expect(JSON.stringify(properties.AlarmActions)).toContain('AlarmTopic');
    expect(JSON.stringify(properties.OKActions)).toContain('AlarmTopic');
    expect(properties.AlarmDescription).toMatch(/model:monitor.*model:promote/);
    expect(alarm(stricter.templates.observability, name).Threshold).toBe(0.35);
  }
});

it('shows the drift on the dashboard: PSI per day and per feature, the score bands, the alarms', () => {
  const dashboard = JSON.stringify(observability.findResources('AWS::CloudWatch::Dashboard'));
  for (const title of [
    'Fraud model drift (PSI per day)',
    'Fraud model drift per feature (PSI)',
    'Fraud risk score per day',
    'Fraud model drift alarms',
  ]) {
    expect(dashboard).toContain(title);
  }
  expect(dashboard).toContain('MetricName=\\\\\\"FeaturePsi\\\\\\"');
});

it('rejects a PSI threshold that is not a positive number', () => {
  expect(() =>
    parseConfig({
      ...ENVIRONMENTS.dev,
      fraud: {
        ...ENVIRONMENTS.dev.fraud,
        drift: { psiAlarm: 0, minimumAssessments: 500, sampleSize: 200_000 },
      },
    }),
  ).toThrow(/fraud\.drift\.psiAlarm/);
});

it('leaves cdk-nag nothing to report', () => {
  const violations = dev.validationReport.pluginReports.flatMap((r) => r.violations);
  expect(violations.filter((v) => /drift/i.test(JSON.stringify(v)))).toEqual([]);
});
