import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CONSUMER_NAMES, CONSUMERS, subscriptionsOf } from '../../../../functions/shared/events/topology';
import { EventConsumer } from '../../../../lib/infra/constructs/event-consumer';
import { outputKeys } from '../../../../lib/infra/constructs/event-consumer-settings';
import { synthConsumers, templateTopology, TEST_SETTINGS } from './event-consumer-stack';

type Resource = { Type: string; Properties: Record<string, unknown> };
const { template } = synthConsumers();
const resources = Object.values(template.toJSON().Resources as Record<string, Resource>);
const ofType = (type: string) => resources.filter((r) => r.Type === type);

describe('EventConsumer construct', () => {
  it('gives every consumer queue a DLQ with the configured maxReceiveCount, and every DLQ a 14-day retention', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(3 * CONSUMER_NAMES.length);
    const sources = queues.filter((q) => q.Properties.RedrivePolicy);
    const dlqs = queues.filter((q) => q.Properties.QueueName && !q.Properties.RedrivePolicy);
    expect(dlqs).toHaveLength(CONSUMER_NAMES.length);
    expect(sources.map((q) => q.Properties.QueueName).sort()).toEqual(
      CONSUMER_NAMES.map((c) => `rampay-test-${c}`).sort(),
    );
    for (const q of sources) {
      expect(q.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        maxReceiveCount: TEST_SETTINGS.maxReceiveCount,
      });
      expect(q.Properties.VisibilityTimeout).toBe(TEST_SETTINGS.visibilityTimeoutSeconds);
    }
    for (const q of dlqs) {
      expect(q.Properties.QueueName).toMatch(/-dlq$/);
      expect(q.Properties.MessageRetentionPeriod).toBe(14 * 86400);
    }
  });

  it('encrypts every queue with the KMS key and denies non-TLS access to it', () => {
    for (const q of ofType('AWS::SQS::Queue')) {
      expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    }
    const policies = ofType('AWS::SQS::QueuePolicy');
    const denied = policies.flatMap((p) => {
      const doc = p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
      return doc.Statement.filter(
        (s) =>
          s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
      ).map(() => JSON.stringify(p.Properties.Queues));
    });
    expect(new Set(denied).size).toBe(3 * CONSUMER_NAMES.length);
  });

  it("gives every subscription a dead-letter queue of its consumer's own, kept 14 days and alarmed", () => {
    const all = template.toJSON().Resources as Record<string, Resource>;
    const byConsumer = new Map<string, Set<string>>();
    for (const s of ofType('AWS::SNS::Subscription')) {
      const target = (
        s.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } }
      ).deadLetterTargetArn['Fn::GetAtt'][0];
      const queue = (s.Properties.Endpoint as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(all[target]!.Type).toBe('AWS::SQS::Queue');
      expect(all[target]!.Properties.MessageRetentionPeriod).toBe(14 * 86400);
      expect(all[target]!.Properties.KmsMasterKeyId).toBeDefined();
      byConsumer.set(queue, (byConsumer.get(queue) ?? new Set()).add(target));
    }
    const targets = [...byConsumer.values()].map((t) => [...t]);
    expect(targets).toHaveLength(CONSUMER_NAMES.length);
    for (const t of targets) expect(t).toHaveLength(1);
    expect(new Set(targets.flat()).size).toBe(CONSUMER_NAMES.length);
    for (const dlq of targets.flat()) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      });
    }
  });

  it('gives every subscription raw delivery and the eventType filter of the topology table', () => {
    const subscriptions = ofType('AWS::SNS::Subscription');
    const expected = CONSUMER_NAMES.flatMap((c) => subscriptionsOf(c));
    expect(subscriptions).toHaveLength(expected.length);
    for (const s of subscriptions) {
      expect(s.Properties).toMatchObject({
        Protocol: 'sqs',
        RawMessageDelivery: true,
        FilterPolicy: { eventType: expect.any(Array) },
      });
    }
    for (const row of templateTopology(template)) {
      const events = subscriptionsOf(row.consumer as keyof typeof CONSUMERS).find(
        (s) => s.topic === row.topic,
      )!.events;
      expect(row.filterPolicy).toEqual({ eventType: events });
    }
  });

  it('makes every event source mapping report partial batch failures, with the configured batching', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(CONSUMER_NAMES.length);
    for (const m of mappings) {
      expect(m.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: TEST_SETTINGS.batchSize,
        MaximumBatchingWindowInSeconds: TEST_SETTINGS.maxBatchingWindowSeconds,
        ScalingConfig: { MaximumConcurrency: TEST_SETTINGS.maxConcurrency },
      });
    }
  });

  it('alarms on any message in each DLQ', () => {
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Dlq'), 'QueueName'] } },
        ],
      },
      2 * CONSUMER_NAMES.length,
    );
  });

  it('declares the stack outputs the DLQ CLI reads: the queues, and the log group it reads failures from', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const consumer of CONSUMER_NAMES) {
      for (const key of Object.values(outputKeys(consumer))) expect(outputs).toHaveProperty(key);
      expect(outputs[outputKeys(consumer).logGroup]!.Value).toEqual({
        Ref: expect.stringMatching(new RegExp(`^${consumer}Logs`)),
      });
    }
  });

  it('refuses a visibility timeout under 6x the consumer timeout, and other invalid settings', () => {
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key');
    const topics = {
      payments: new sns.Topic(stack, 'P'),
      fraud: new sns.Topic(stack, 'F'),
      merchants: new sns.Topic(stack, 'M'),
    };
    const handler = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      timeout: Duration.seconds(60),
    });
    const make = (id: string, settings: Partial<typeof TEST_SETTINGS>) =>
      new EventConsumer(stack, id, {
        consumer: 'fraud',
        topics,
        handler,
        encryptionKey: key,
        settings: { ...TEST_SETTINGS, ...settings },
      });
    expect(() => make('A', { visibilityTimeoutSeconds: 359 })).toThrow(
      /at least 6x the consumer's timeout of 60 s/,
    );
    expect(() =>
      make('B', { visibilityTimeoutSeconds: 360, batchSize: 50, maxBatchingWindowSeconds: 0 }),
    ).toThrow(/batchSize above 10/);
    expect(() => make('C', { visibilityTimeoutSeconds: 360, maxConcurrency: 1 })).toThrow(/maxConcurrency/);
    expect(() => make('D', { visibilityTimeoutSeconds: 360 })).not.toThrow();
  });

  it('passes cdk-nag AwsSolutions: the only findings are on the stand-in functions of the test', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-nag-'));
    try {
      const app = new App({ outdir });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      // The stand-in functions trip IAM4 (managed execution role) and L1 (runtime): the services stack's real
      // functions answer those; synthesis then throws with the report written.
      expect(() => synthConsumers({}, app)).toThrow(/AwsSolutions/);
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: {
          violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
        }[];
      };
      const findings = report.pluginReports.flatMap((p) =>
        p.violations.flatMap((v) =>
          v.violatingConstructs.map((c) => `${v.ruleName.split('[')[0]} ${c.constructPath}`),
        ),
      );
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.filter((f) => !/ Consumers\/\w+Fn\//.test(f))).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
