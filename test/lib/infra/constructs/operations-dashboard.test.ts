/**
 * The operations dashboard and its alarms, synthesized and read back: every function, every queue and
 * its DLQ, the API and the database have their widgets and alarms, and every alarm goes to the alarm topic.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  DEFAULT_THRESHOLDS,
  OperationsDashboard,
} from '../../../../lib/infra/constructs/operations-dashboard';

type Json = Record<string, unknown>;
interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; alarms?: string[] };
}

const FUNCTIONS = ['CreatePayment', 'OutboxRelay', 'AnalyticsConsumer'];
const CONSUMERS = ['fraud', 'notifications', 'analytics'];

function build(options: { withDatabase?: boolean; reuseDlqAlarm?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Ops');
  const topic = new sns.Topic(stack, 'Alarms');
  const api = new apigwv2.HttpApi(stack, 'Api');
  const functions = Object.fromEntries(
    FUNCTIONS.map((id) => [
      id,
      new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      }),
    ]),
  );
  const queues = Object.fromEntries(
    CONSUMERS.map((name) => {
      const deadLetterQueue = new sqs.Queue(stack, `${name}Dlq`);
      const queue = new sqs.Queue(stack, `${name}Queue`, {
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
      });
      const dlqAlarm =
        options.reuseDlqAlarm && name === 'fraud'
          ? new cloudwatch.Alarm(stack, 'ExistingFraudDlqAlarm', {
              metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
              threshold: 1,
              evaluationPeriods: 1,
            })
          : undefined;
      return [name, { queue, deadLetterQueue, dlqAlarm }];
    }),
  );
  const database = options.withDatabase
    ? {
        instance: rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
          instanceIdentifier: 'rampay-test-db',
          instanceEndpointAddress: 'db.example.internal',
          port: 5433,
          securityGroups: [],
        }),
        proxy: rds.DatabaseProxy.fromDatabaseProxyAttributes(stack, 'Proxy', {
          dbProxyName: 'rampay-test-proxy',
          dbProxyArn: 'arn:aws:rds:eu-west-1:123456789012:db-proxy:prx-1',
          endpoint: 'proxy.example.internal',
          securityGroups: [],
        }),
      }
    : undefined;
  new OperationsDashboard(stack, 'Operations', {
    environment: 'test',
    alarmTopic: topic,
    api,
    functions,
    queues,
    database,
    thresholds: { queueOldestMessageAgeSeconds: 600 },
  });
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return { template, stack, logicalId, functions, queues, api, topic };
}

/** The dashboard body with CloudFormation tokens written as REF(id) / GETATT(id.attr), parsed. */
function widgets(template: Template): Widget[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: Json;
  }[];
  const body = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as Json;
      if (token.Ref) return `REF(${String(token.Ref)})`;
      if (token['Fn::GetAtt']) return `GETATT(${(token['Fn::GetAtt'] as string[]).join('.')})`;
      return 'TOKEN';
    })
    .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

const alarms = (template: Template) =>
  Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, { Properties: Json }][];

/** Every metric (name and dimensions) an alarm watches, plain or inside its math expression. */
function watched(alarm: { Properties: Json }): { name: string; dims: string }[] {
  const p = alarm.Properties;
  const stats = p.Metrics
    ? (p.Metrics as { MetricStat?: { Metric: { MetricName: string; Dimensions?: unknown } } }[])
        .filter((m) => m.MetricStat)
        .map((m) => m.MetricStat!.Metric)
    : [{ MetricName: p.MetricName as string, Dimensions: p.Dimensions }];
  return stats.map((m) => ({ name: m.MetricName, dims: JSON.stringify(m.Dimensions ?? []) }));
}

describe('OperationsDashboard', () => {
  const built = build({ withDatabase: true });
  const all = alarms(built.template);
  const board = widgets(built.template);

  it('gives every function a widget with invocations, errors, throttles, concurrency and duration p99, and an error-rate alarm', () => {
    for (const id of FUNCTIONS) {
      const ref = `REF(${built.logicalId(built.functions[id]!)})`;
      const widget = board.find((w) => w.properties.title === `Function ${id}`);
      expect(widget).toBeDefined();
      const metrics = JSON.stringify(widget!.properties.metrics);
      for (const name of ['Invocations', 'Errors', 'Throttles', 'ConcurrentExecutions', 'Duration']) {
        expect(metrics).toContain(`"${name}"`);
      }
      expect(metrics).toContain(ref);
      expect(metrics).toContain('p99');
      const alarm = all.find(([, a]) =>
        watched(a).some((m) => m.name === 'Errors' && m.dims.includes(built.logicalId(built.functions[id]!))),
      );
      expect(alarm).toBeDefined();
      expect(alarm![1].Properties.Threshold).toBe(DEFAULT_THRESHOLDS.functionErrorRatePercent);
    }
  });

  it('gives every queue and DLQ a widget, an age alarm (threshold from props) and a DLQ depth >= 1 alarm', () => {
    for (const name of CONSUMERS) {
      const { queue, deadLetterQueue } = built.queues[name]!;
      const queueId = built.logicalId(queue);
      const dlqId = built.logicalId(deadLetterQueue);
      const widget = board.find((w) => w.properties.title === `Queue ${name}`);
      const metrics = JSON.stringify(widget!.properties.metrics);
      expect(metrics).toContain(`GETATT(${queueId}.QueueName)`);
      expect(metrics).toContain(`GETATT(${dlqId}.QueueName)`);
      expect(metrics).toContain('ApproximateAgeOfOldestMessage');
      expect(metrics).toContain('ApproximateNumberOfMessagesVisible');

      const age = all.find(([, a]) =>
        watched(a).some((m) => m.name === 'ApproximateAgeOfOldestMessage' && m.dims.includes(queueId)),
      );
      expect(age![1].Properties).toMatchObject({
        Threshold: 600,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      const dlq = all.find(([, a]) =>
        watched(a).some((m) => m.name === 'ApproximateNumberOfMessagesVisible' && m.dims.includes(dlqId)),
      );
      expect(dlq![1].Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('has the API widgets and alarms: requests, 4xx, 5xx, latency p50/p99; 5xx rate and p99 latency alarms', () => {
    const apiWidgets = JSON.stringify(board.filter((w) => w.properties.title?.startsWith('API')));
    const apiRef = `REF(${built.logicalId(built.api)})`;
    for (const name of ['Count', '4xx', '5xx', 'Latency']) expect(apiWidgets).toContain(`"${name}"`);
    expect(apiWidgets).toContain('p50');
    expect(apiWidgets).toContain(apiRef);
    const apiAlarms = all.filter(([, a]) =>
      watched(a).some((m) => m.dims.includes(built.logicalId(built.api))),
    );
    const names = apiAlarms.map(([, a]) => a.Properties.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining(['rampay-test-api-5xx-rate', 'rampay-test-api-latency-p99']),
    );
  });

  it('watches the database, the proxy, the outbox backlog, the business metrics and the fraud rate band', () => {
    const text = JSON.stringify(board);
    for (const name of ['CPUUtilization', 'DatabaseConnections', 'ClientConnections', 'FreeStorageSpace'])
      expect(text).toContain(name);
    expect(text).toContain('rampay-test-proxy');
    for (const name of [
      'PaymentsCreated',
      'PaymentsApproved',
      'PaymentsFailed',
      'AnomaliesDetected',
      'DecisionLatency',
      'RefundedAmount',
      'OutboxOldestPendingAge',
    ]) {
      expect(text).toContain(name);
    }
    const byName = (n: string) =>
      all.find(([, a]) => a.Properties.AlarmName === `rampay-test-${n}`)?.[1].Properties;
    expect(byName('rds-cpu')).toMatchObject({ Threshold: 80 });
    expect(byName('rds-free-storage')).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 5 * 1024 ** 3,
    });
    const outbox = all.find(([, a]) => a.Properties.AlarmName === 'rampay-test-outbox-backlog')![1];
    expect(outbox.Properties.Threshold).toBe(120);
    expect(watched(outbox)).toEqual([
      {
        name: 'OutboxOldestPendingAge',
        dims: JSON.stringify([
          { Name: 'environment', Value: 'test' },
          { Name: 'service', Value: 'outbox' },
        ]),
      },
    ]);
    const fraud = byName('fraud-rate-anomaly')!;
    expect(fraud.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    expect(JSON.stringify(fraud.Metrics)).toContain('ANOMALY_DETECTION_BAND');
    expect(JSON.stringify(fraud.Metrics)).toContain('AnomaliesDetected');
  });

  it('sends every alarm to the alarm topic and lists them all on the dashboard', () => {
    const topicId = built.logicalId(built.topic);
    expect(all.length).toBe(FUNCTIONS.length + 2 * CONSUMERS.length + 2 + 2 + 1 + 1);
    for (const [, a] of all) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    const status = board.find((w) => w.type === 'alarm');
    expect(status!.properties.alarms).toHaveLength(all.length);
  });

  it('synthesizes without warnings (the fraud rate sums its counts over its own 15-minute period)', () => {
    Annotations.fromStack(built.stack).hasNoWarning('*', Match.anyValue());
  });

  it('reuses a DLQ alarm the queue construct already has instead of making a second one', () => {
    const reused = build({ reuseDlqAlarm: true });
    const dlqId = reused.logicalId(reused.queues.fraud!.deadLetterQueue);
    const onDlq = alarms(reused.template).filter(([, a]) =>
      watched(a).some((m) => m.name === 'ApproximateNumberOfMessagesVisible' && m.dims.includes(dlqId)),
    );
    expect(onDlq.map(([id]) => id)).toEqual([expect.stringMatching(/^ExistingFraudDlqAlarm/)]);
    const status = widgets(reused.template).find((w) => w.type === 'alarm');
    expect(JSON.stringify(status!.properties.alarms)).toContain(onDlq[0]![0]);
    // No database given: no database widgets or alarms.
    expect(JSON.stringify(widgets(reused.template))).not.toContain('CPUUtilization');
  });
});
