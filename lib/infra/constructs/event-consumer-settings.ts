/**
 * What the CDK construct (event-consumer.ts), the local platform (lib/local/messaging.ts) and the DLQ CLI
 * (lib/operations/dlq) share about a consumer's queue: its settings and their rules, its names, its stack
 * outputs, and its subscriptions as derived from the one topology table. No aws-cdk-lib here, so the local
 * platform and the CLI load it cheaply.
 */
import type { EventType } from '../../../functions/domain/events';
import {
  CONSUMER_NAMES,
  EVENT_TYPE_ATTRIBUTE,
  subscriptionsOf,
  type ConsumerName,
  type TopicName,
} from '../../../functions/shared/events/topology';

/** Per-environment settings of one consumer's queue and event source mapping (lib/config provides them). */
export interface ConsumerQueueSettings {
  /** Deliveries before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** Records per invocation (1-10, or up to 10,000 with a batching window). */
  batchSize: number;
  /** How long the event source mapping gathers records before invoking (0-300 s). */
  maxBatchingWindowSeconds: number;
  /** At least 6x the consumer function's timeout (AWS's guidance for SQS event sources). */
  visibilityTimeoutSeconds: number;
  /** Most concurrent invocations for this queue (2-1000). */
  maxConcurrency: number;
  /** Source queue retention, days (default 4); the DLQ keeps messages 14 days. */
  retentionDays?: number;
}

export const DLQ_RETENTION_DAYS = 14;

function checkInteger(problems: string[], name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max} (got ${value})`);
  }
}

/** Every rule the settings break (empty when valid). `consumerTimeoutSeconds` enables the 6x rule. */
export function settingsProblems(settings: ConsumerQueueSettings, consumerTimeoutSeconds?: number): string[] {
  const problems: string[] = [];
  checkInteger(problems, 'maxReceiveCount', settings.maxReceiveCount, 1, 1000);
  checkInteger(problems, 'batchSize', settings.batchSize, 1, 10_000);
  checkInteger(problems, 'maxBatchingWindowSeconds', settings.maxBatchingWindowSeconds, 0, 300);
  checkInteger(problems, 'visibilityTimeoutSeconds', settings.visibilityTimeoutSeconds, 0, 43_200);
  checkInteger(problems, 'maxConcurrency', settings.maxConcurrency, 2, 1000);
  if (settings.retentionDays !== undefined)
    checkInteger(problems, 'retentionDays', settings.retentionDays, 1, 14);
  if (settings.batchSize > 10 && settings.maxBatchingWindowSeconds < 1) {
    problems.push('batchSize above 10 needs maxBatchingWindowSeconds of at least 1');
  }
  if (
    consumerTimeoutSeconds !== undefined &&
    settings.visibilityTimeoutSeconds < 6 * consumerTimeoutSeconds
  ) {
    problems.push(
      `visibilityTimeoutSeconds (${settings.visibilityTimeoutSeconds}) must be at least 6x the consumer's ` +
        `timeout of ${consumerTimeoutSeconds} s, i.e. ${6 * consumerTimeoutSeconds}`,
    );
  }
  return problems;
}

export function assertValidSettings(
  consumer: ConsumerName,
  settings: ConsumerQueueSettings,
  consumerTimeoutSeconds?: number,
): void {
  const problems = settingsProblems(settings, consumerTimeoutSeconds);
  if (problems.length > 0)
    throw new Error(`invalid queue settings for consumer ${consumer}: ${problems.join('; ')}`);
}

/** Physical names, e.g. `rampay-dev-fraud` and `rampay-dev-fraud-dlq`. */
export function queueNames(prefix: string, consumer: ConsumerName): { queue: string; dlq: string } {
  return { queue: `${prefix}-${consumer}`, dlq: `${prefix}-${consumer}-dlq` };
}

export function topicPhysicalName(prefix: string, topic: TopicName): string {
  return `${prefix}-${topic}`;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * CloudFormation output keys the construct declares and the DLQ CLI reads, e.g. `FraudDlqUrl`; `logGroup` names the
 * consumer function's log group, where the CLI reads why a message failed.
 */
export function outputKeys(consumer: ConsumerName): {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
  logGroup: string;
} {
  const p = pascal(consumer);
  return {
    queueUrl: `${p}QueueUrl`,
    queueArn: `${p}QueueArn`,
    dlqUrl: `${p}DlqUrl`,
    dlqArn: `${p}DlqArn`,
    logGroup: `${p}LogGroupName`,
  };
}

/** The SNS filter policy (on message attributes) that lets exactly `events` through. */
export function filterPolicyOf(events: readonly EventType[]): Record<string, EventType[]> {
  return { [EVENT_TYPE_ATTRIBUTE]: [...events] };
}

export interface PlannedSubscription {
  topic: TopicName;
  consumer: ConsumerName;
  filterPolicy: Record<string, EventType[]>;
  rawMessageDelivery: true;
}

/** Every subscription the topology table implies: one per (topic, consumer) pair with events in common. */
export function plannedSubscriptions(
  consumers: readonly ConsumerName[] = CONSUMER_NAMES,
): PlannedSubscription[] {
  return consumers.flatMap((consumer) =>
    subscriptionsOf(consumer).map(({ topic, events }) => ({
      topic,
      consumer,
      filterPolicy: filterPolicyOf(events),
      rawMessageDelivery: true as const,
    })),
  );
}
