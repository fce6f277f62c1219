/**
 * Where the DLQs are: an AWS environment (queue URLs and ARNs from the stacks' outputs, the oldest message's age
 * from CloudWatch, why a message failed from its consumer's log group) or the local platform (from its
 * GET /local/queues and GET /local/consumer-failures).
 */
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CONSUMER_NAMES, type ConsumerName } from '../../../functions/shared/events/topology';
import { outputKeys } from '../../infra/constructs/event-consumer-settings';
import type { LocalQueuesReport } from '../../local/messaging';
import { UsageError, type Target } from './args';
import { localFailures, logGroupFailures, type FailureSource } from './failures';

export interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

export interface DlqTarget {
  consumer: ConsumerName;
  queue: QueueRef;
  dlq: QueueRef;
  /** The consumer function's log group (AWS), where its failures are logged. */
  logGroup?: string;
}

export interface DlqEnvironment {
  kind: 'aws' | 'local';
  /** For headings, e.g. "AWS environment dev" */
  label: string;
  sqs: SQSClient;
  targets: DlqTarget[];
  /** Seconds since the oldest DLQ message was first sent, or null when unknown or empty. */
  oldestAgeSeconds(target: DlqTarget): Promise<number | null>;
  /** SQS StartMessageMoveTask is available (AWS only; the local SNS/SQS lacks it). */
  supportsMoveTask: boolean;
  /** Where the consumer's failures are read: why each DLQ message failed. */
  failures(target: DlqTarget): FailureSource;
}

/** A failure to reach the environment: printed as one line, never a stack trace. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

export function stackNames(env: string): string[] {
  return [`RamPay-${env}-services`, `RamPay-${env}-messaging`];
}

function nameOf(arn: string): string {
  return arn.split(':').pop() ?? arn;
}

export interface AwsClients {
  cloudFormation: CloudFormationClient;
  sqs: SQSClient;
  cloudWatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
}

export function awsClients(region?: string): AwsClients {
  const config = region ? { region } : {};
  return {
    cloudFormation: new CloudFormationClient(config),
    sqs: new SQSClient(config),
    cloudWatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export async function resolveAwsEnvironment(env: string, clients: AwsClients): Promise<DlqEnvironment> {
  const outputs = new Map<string, string>();
  const found: string[] = [];
  for (const stackName of stackNames(env)) {
    let stackOutputs: Output[] | undefined;
    try {
      const response = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      stackOutputs = response.Stacks?.[0]?.Outputs;
    } catch (error) {
      if (/does not exist/i.test((error as Error).message)) continue;
      throw new EnvironmentError(`could not read stack ${stackName}: ${(error as Error).message}`);
    }
    found.push(stackName);
    for (const o of stackOutputs ?? [])
      if (o.OutputKey && o.OutputValue) outputs.set(o.OutputKey, o.OutputValue);
  }
  const targets: DlqTarget[] = [];
  for (const consumer of CONSUMER_NAMES) {
    const keys = outputKeys(consumer);
    const [queueUrl, queueArn, dlqUrl, dlqArn] = [keys.queueUrl, keys.queueArn, keys.dlqUrl, keys.dlqArn].map(
      (k) => outputs.get(k),
    );
    if (queueUrl && queueArn && dlqUrl && dlqArn) {
      const logGroup = outputs.get(keys.logGroup);
      targets.push({
        consumer,
        queue: { name: nameOf(queueArn), url: queueUrl, arn: queueArn },
        dlq: { name: nameOf(dlqArn), url: dlqUrl, arn: dlqArn },
        ...(logGroup ? { logGroup } : {}),
      });
    }
  }
  if (targets.length === 0) {
    throw new EnvironmentError(
      found.length === 0
        ? `environment ${env} is not deployed here: neither ${stackNames(env).join(' nor ')} exists`
        : `no consumer queue outputs (e.g. ${outputKeys('fraud').dlqUrl}) in ${found.join(', ')}`,
    );
  }
  return {
    kind: 'aws',
    label: `AWS environment ${env}`,
    sqs: clients.sqs,
    targets,
    supportsMoveTask: true,
    failures: (target) =>
      target.logGroup
        ? {
            label: `the ${target.consumer} function's log group ${target.logGroup}`,
            lastFailures: (lookups) => logGroupFailures(clients.logs, target.logGroup!, lookups),
          }
        : {
            label: `the stacks, which name no log group of the ${target.consumer} function (${outputKeys(target.consumer).logGroup}: deploy them again)`,
            lastFailures: async () => new Map(),
          },
    oldestAgeSeconds: async (target) => {
      const now = Date.now();
      const response = await clients.cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: target.dlq.name }],
          StartTime: new Date(now - 15 * 60_000),
          EndTime: new Date(now),
          Period: 60,
          Statistics: ['Maximum'],
        }),
      );
      const latest = (response.Datapoints ?? [])
        .filter((d) => d.Timestamp && d.Maximum !== undefined)
        .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
      return latest ? Math.round(latest.Maximum!) : null;
    },
  };
}

export async function resolveLocalEnvironment(
  url: string,
  fetchImpl: typeof fetch = fetch,
): Promise<DlqEnvironment> {
  const endpoint = `${url.replace(/\/$/, '')}/local/queues`;
  let report: LocalQueuesReport;
  try {
    const response = await fetchImpl(endpoint, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    report = (await response.json()) as LocalQueuesReport;
  } catch (error) {
    throw new EnvironmentError(
      `the local platform does not answer at ${endpoint} (${(error as Error).message}); start it with npm start`,
    );
  }
  if (!report.endpoint || !Array.isArray(report.queues)) {
    throw new EnvironmentError(`${endpoint} did not return the queue report the DLQ tool needs`);
  }
  const sqs = new SQSClient({
    endpoint: report.endpoint,
    region: report.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const byConsumer = new Map(report.queues.map((q) => [q.consumer, q]));
  return {
    kind: 'local',
    label: `local platform at ${url}`,
    sqs,
    targets: report.queues.map((q) => ({
      consumer: q.consumer,
      queue: { name: q.queue.name, url: q.queue.url, arn: q.queue.arn },
      dlq: { name: q.dlq.name, url: q.dlq.url, arn: q.dlq.arn },
    })),
    supportsMoveTask: false,
    failures: (target) => ({
      label: `the local platform's record of the ${target.consumer} consumer's failures`,
      lastFailures: (lookups) => localFailures(url, target.consumer, lookups, fetchImpl),
    }),
    // Read afresh: the report is a snapshot, and `list` is the only caller.
    oldestAgeSeconds: async (target) => {
      try {
        const response = await fetchImpl(endpoint, { signal: AbortSignal.timeout(5000) });
        const fresh = (await response.json()) as LocalQueuesReport;
        return fresh.queues.find((q) => q.consumer === target.consumer)?.dlq.oldestAgeSeconds ?? null;
      } catch {
        return byConsumer.get(target.consumer)?.dlq.oldestAgeSeconds ?? null;
      }
    },
  };
}

export async function resolveEnvironment(target: Target): Promise<DlqEnvironment> {
  return target.local
    ? resolveLocalEnvironment(target.localUrl)
    : resolveAwsEnvironment(target.env, awsClients(target.region));
}

/** `fraud`, `rampay-dev-fraud` or `rampay-dev-fraud-dlq` all name the fraud consumer's queue pair. */
export function findTarget(environment: DlqEnvironment, queue: string): DlqTarget {
  const target = environment.targets.find(
    (t) => t.consumer === queue || t.queue.name === queue || t.dlq.name === queue,
  );
  if (!target) {
    const known = environment.targets.flatMap((t) => [t.consumer, t.dlq.name]).join(', ');
    throw new UsageError(`unknown queue "${queue}" in ${environment.label}; known: ${known}`);
  }
  return target;
}
