/**
 * Every metric RamPay's dashboards show, declared once: what the code publishes to CloudWatch (namespace RamPay,
 * through Powertools Metrics) and the AWS metrics the operations views read. The CloudWatch operations dashboard
 * (lib/infra), the Grafana dashboards (lib/grafana) and the local Prometheus endpoint (lib/local) are built from
 * this table; test/lib/grafana/catalogue.test.ts checks it against what the code emits.
 */

export const RAMPAY_NAMESPACE = 'RamPay';

export type MetricUnit =
  | 'Count'
  | 'Microseconds'
  | 'Milliseconds'
  | 'Seconds'
  | 'Percent'
  | 'Bytes'
  /** a plain number (a PSI, a feature's mean): Powertools' name for CloudWatch's unit None */
  | 'NoUnit';

/** RamPay's own dimensions: every metric it publishes carries `service` and `environment`. */
export type RamPayDimension =
  | 'service'
  | 'environment'
  | 'currency'
  | 'merchant'
  /** the fraud model's feature (drift) */
  | 'feature'
  /** a band of the fraud model's risk score (drift) */
  | 'scoreBin';

export interface MetricDefinition {
  readonly namespace: string;
  readonly name: string;
  readonly unit: MetricUnit;
  /** Each combination of dimensions the metric is published with (CloudWatch keeps one series per combination). */
  readonly dimensionSets: readonly (readonly string[])[];
  readonly description: string;
  /** 'business' metrics must appear on a dashboard; 'operational' ones are RamPay's plumbing; 'aws' are AWS's own. */
  readonly kind: 'business' | 'operational' | 'aws';
  /** The file that publishes it (relative to the repository root), or the AWS service that does. */
  readonly emittedBy: string;
  /** The `service` dimension's value (RamPay's metrics only). */
  readonly service?: string;
}

const ANALYTICS = 'functions/analytics/metrics.ts';
const BASE = ['service', 'environment'] as const;

/** A business metric of the analytics consumer: in total, per currency and per merchant (and currency). */
function business(name: string, unit: MetricUnit, description: string, options: { summable?: boolean } = {}) {
  const perCurrency = [...BASE, 'currency'];
  const perMerchant = [...BASE, 'currency', 'merchant'];
  return {
    namespace: RAMPAY_NAMESPACE,
    name,
    unit,
    // Minor units of different currencies never add up: an amount has no series across currencies.
    dimensionSets:
      options.summable === false ? [perCurrency, perMerchant] : [[...BASE], perCurrency, perMerchant],
    description,
    kind: 'business',
    emittedBy: ANALYTICS,
    service: 'analytics',
  } as const satisfies MetricDefinition;
}

/** An operational metric of the webhook deliveries (the consumer and the sweep). */
function webhooks(name: string, unit: MetricUnit, description: string) {
  return {
    namespace: RAMPAY_NAMESPACE,
    name,
    unit,
    dimensionSets: [[...BASE]],
    description,
    kind: 'operational',
    emittedBy: 'functions/webhooks/metrics.ts',
    service: 'webhooks',
  } as const satisfies MetricDefinition;
}

/** A metric of the fraud model's daily drift measurement, in total or per `extra` dimension. */
function drift(name: string, unit: MetricUnit, description: string, extra?: RamPayDimension) {
  return {
    namespace: RAMPAY_NAMESPACE,
    name,
    unit,
    dimensionSets: [extra ? [...BASE, extra] : [...BASE]],
    description,
    kind: 'operational',
    emittedBy: 'functions/fraud/drift-metrics.ts',
    service: 'fraud',
  } as const satisfies MetricDefinition;
}

/** RamPay's own metrics, by name. */
export const RAMPAY_METRICS = {
  PaymentsCreated: business('PaymentsCreated', 'Count', 'Payments created (PaymentCreated)'),
  PaymentVolume: business('PaymentVolume', 'Count', 'Amount of the payments created, in minor units', {
    summable: false,
  }),
  PaymentsApproved: business(
    'PaymentsApproved',
    'Count',
    'Payments approved, once each (first PaymentApproved)',
  ),
  PaymentsFailed: business('PaymentsFailed', 'Count', 'Payments declined or failed (PaymentFailed)'),
  AnomaliesDetected: business(
    'AnomaliesDetected',
    'Count',
    'Payments the fraud model flagged (AnomalyDetected)',
  ),
  FraudConfirmed: business(
    'FraudConfirmed',
    'Count',
    'Payments a reviewer rejected or marked fraud (ReviewDecided reject or fraud)',
  ),
  DecisionLatency: business('DecisionLatency', 'Milliseconds', 'From PaymentCreated to the first decision'),
  RefundedAmount: business('RefundedAmount', 'Count', 'Amount refunded, in minor units (PaymentRefunded)', {
    summable: false,
  }),
  OutboxOldestPendingAge: {
    namespace: RAMPAY_NAMESPACE,
    name: 'OutboxOldestPendingAge',
    unit: 'Seconds',
    dimensionSets: [[...BASE]],
    description: 'Age of the oldest outbox event not yet published, after each relay run',
    kind: 'operational',
    emittedBy: 'functions/shared/outbox/handlers/relay.ts',
    service: 'outbox',
  },
  RateLimitCacheUnavailable: {
    namespace: RAMPAY_NAMESPACE,
    name: 'RateLimitCacheUnavailable',
    unit: 'Count',
    dimensionSets: [[...BASE]],
    description: 'API requests served without a rate limit because the cache did not answer',
    kind: 'operational',
    emittedBy: 'functions/shared/http/rate-limit.ts',
    service: 'api',
  },
  WebhookAttemptsDelivered: webhooks(
    'WebhookAttemptsDelivered',
    'Count',
    'Webhook attempts answered 2xx in time',
  ),
  WebhookAttemptsFailed: webhooks(
    'WebhookAttemptsFailed',
    'Count',
    'Webhook attempts that failed (to be retried, or the last one)',
  ),
  WebhookOldestDueSeconds: webhooks(
    'WebhookOldestDueSeconds',
    'Seconds',
    'Age of the oldest webhook delivery past its due time, after each sweep',
  ),
  DriftAssessments: drift(
    'DriftAssessments',
    'Count',
    "The active model's assessments of the UTC day the drift measurement read (published the next day)",
  ),
  ScorePsi: drift(
    'ScorePsi',
    'NoUnit',
    "Population stability index of a day's risk scores against the model's training window",
  ),
  ScoreMean: drift('ScoreMean', 'NoUnit', "Mean risk score of a day's assessments"),
  ScoreShare: drift(
    'ScoreShare',
    'Percent',
    "Share of a day's assessments in each band of the risk score (scoreBin: 0, 1, 2-4, ..., 90-99)",
    'scoreBin',
  ),
  MaxFeaturePsi: drift(
    'MaxFeaturePsi',
    'NoUnit',
    "The highest of a day's feature PSIs: the feature that moved most against the training window",
  ),
  FeaturePsi: drift(
    'FeaturePsi',
    'NoUnit',
    "Population stability index of one model feature over a day's assessments against the training window",
    'feature',
  ),
  FeatureMean: drift(
    'FeatureMean',
    'NoUnit',
    "Mean of one model feature over a day's assessments",
    'feature',
  ),
} as const satisfies Record<string, MetricDefinition>;

export type RamPayMetricName = keyof typeof RAMPAY_METRICS;
export type BusinessMetricName = {
  [K in RamPayMetricName]: (typeof RAMPAY_METRICS)[K]['kind'] extends 'business' ? K : never;
}[RamPayMetricName];
export const BUSINESS_METRIC_NAMES = (Object.keys(RAMPAY_METRICS) as RamPayMetricName[]).filter(
  (name): name is BusinessMetricName => RAMPAY_METRICS[name].kind === 'business',
);

function aws(namespace: string, name: string, unit: MetricUnit, dimensions: string[], description: string) {
  return {
    namespace,
    name,
    unit,
    dimensionSets: [dimensions],
    description,
    kind: 'aws',
    emittedBy: namespace,
  } as const satisfies MetricDefinition;
}

/** The AWS metrics the operations views read (HTTP API, Lambda, SQS, RDS, RDS Proxy and ElastiCache). */
export const AWS_METRICS = {
  ApiRequests: aws('AWS/ApiGateway', 'Count', 'Count', ['ApiId'], 'HTTP API requests'),
  Api4xx: aws('AWS/ApiGateway', '4xx', 'Count', ['ApiId'], 'HTTP API 4xx responses'),
  Api5xx: aws('AWS/ApiGateway', '5xx', 'Count', ['ApiId'], 'HTTP API 5xx responses'),
  ApiLatency: aws('AWS/ApiGateway', 'Latency', 'Milliseconds', ['ApiId'], 'HTTP API latency'),
  Invocations: aws('AWS/Lambda', 'Invocations', 'Count', ['FunctionName'], 'Function invocations'),
  Errors: aws('AWS/Lambda', 'Errors', 'Count', ['FunctionName'], 'Function errors'),
  Throttles: aws('AWS/Lambda', 'Throttles', 'Count', ['FunctionName'], 'Throttled invocations'),
  Duration: aws('AWS/Lambda', 'Duration', 'Milliseconds', ['FunctionName'], 'Function duration'),
  ConcurrentExecutions: aws(
    'AWS/Lambda',
    'ConcurrentExecutions',
    'Count',
    ['FunctionName'],
    'Concurrent executions',
  ),
  QueueVisible: aws(
    'AWS/SQS',
    'ApproximateNumberOfMessagesVisible',
    'Count',
    ['QueueName'],
    'Messages waiting in a queue (or a DLQ)',
  ),
  QueueOldest: aws(
    'AWS/SQS',
    'ApproximateAgeOfOldestMessage',
    'Seconds',
    ['QueueName'],
    'Age of the oldest message in a queue',
  ),
  DatabaseCpu: aws('AWS/RDS', 'CPUUtilization', 'Percent', ['DBInstanceIdentifier'], 'Database CPU'),
  DatabaseConnections: aws(
    'AWS/RDS',
    'DatabaseConnections',
    'Count',
    ['DBInstanceIdentifier'],
    'Connections to the instance',
  ),
  DatabaseFreeStorage: aws(
    'AWS/RDS',
    'FreeStorageSpace',
    'Bytes',
    ['DBInstanceIdentifier'],
    'Free storage of the instance',
  ),
  ProxyClientConnections: aws(
    'AWS/RDS',
    'ClientConnections',
    'Count',
    ['ProxyName'],
    'Client connections to RDS Proxy',
  ),
  CacheReadLatency: aws(
    'AWS/ElastiCache',
    'SuccessfulReadRequestLatency',
    'Microseconds',
    ['clusterId'],
    'Latency of the cache reads that succeeded',
  ),
  CacheWriteLatency: aws(
    'AWS/ElastiCache',
    'SuccessfulWriteRequestLatency',
    'Microseconds',
    ['clusterId'],
    'Latency of the cache writes that succeeded',
  ),
  CacheAuthenticationFailures: aws(
    'AWS/ElastiCache',
    'UserAuthenticationFailures',
    'Count',
    ['clusterId'],
    'Failed sign-ins to the cache',
  ),
  CacheThrottledCommands: aws(
    'AWS/ElastiCache',
    'ThrottledCmds',
    'Count',
    ['clusterId'],
    'Cache commands throttled',
  ),
  CacheProcessingUnits: aws(
    'AWS/ElastiCache',
    'ElastiCacheProcessingUnits',
    'Count',
    ['clusterId'],
    'ElastiCache Processing Units consumed',
  ),
  CacheConnections: aws(
    'AWS/ElastiCache',
    'CurrConnections',
    'Count',
    ['clusterId'],
    'Connections to the cache',
  ),
  CacheBytesUsed: aws(
    'AWS/ElastiCache',
    'BytesUsedForCache',
    'Bytes',
    ['clusterId'],
    'Bytes the cache holds',
  ),
} as const satisfies Record<string, MetricDefinition>;

export type AwsMetricKey = keyof typeof AWS_METRICS;

/** Every metric, RamPay's and AWS's. */
export const METRIC_CATALOGUE: readonly MetricDefinition[] = [
  ...Object.values(RAMPAY_METRICS),
  ...Object.values(AWS_METRICS),
];

/** The catalogue's entry for a namespace and name, if any. */
export function findMetric(namespace: string, name: string): MetricDefinition | undefined {
  return METRIC_CATALOGUE.find((m) => m.namespace === namespace && m.name === name);
}

/** Whether the metric is published with exactly these dimensions (in any order). */
export function hasDimensionSet(metric: MetricDefinition, dimensions: readonly string[]): boolean {
  const wanted = [...dimensions].sort().join(',');
  return metric.dimensionSets.some((set) => [...set].sort().join(',') === wanted);
}
