/**
 * Every Lambda function of the platform and how it is triggered: the table the api and services stacks build
 * from (and the bundle benchmark measures). The API functions come from the route list (functions/api/routes.ts),
 * one per route, with what each route's definition says its function needs; the rows below are the functions
 * that serve no route. Entries are handler files, relative to the repository root, exporting `handler`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { API_ROUTES, type ApiRoute } from '../../../functions/api/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { ConfigError } from './errors';
import { TOPIC_NAMES, type ConsumerName, type TopicName } from '../../../functions/shared/events/topology';

export type Trigger =
  /** The route of functions/api/routes.ts the function serves. */
  | { kind: 'api'; route: RouteDefinition }
  | { kind: 'consumer'; consumer: ConsumerName }
  | { kind: 'schedule'; expression: string }
  /** The Cognito user pool's pre-token-generation trigger (V3). */
  | { kind: 'token' };

/**
 * Extra AWS permissions a function needs beyond database access and publishing. 'notify': send e-mail through
 * the environment's SES identity and SMS through SNS (NotificationsResources grants it, with the environment).
 * 'webhook-secrets': seal and open webhook secrets with their KMS key; 'webhook-queue': send delivery messages to
 * the webhooks queue (WebhooksResources grants both).
 */
export type Capability = 'notify' | 'webhook-secrets' | 'webhook-queue';

/** In the order the table lists them (and the operations dashboard shows their functions). */
export const SERVICES = [
  'payments',
  'auth',
  'outbox',
  'housekeeping',
  'fraud',
  'notifications',
  'analytics',
  'webhooks',
] as const;
export type Service = (typeof SERVICES)[number];

export interface FunctionSpec {
  /** Construct id, PascalCase; also the base of the function name. */
  id: string;
  /** POWERTOOLS_SERVICE_NAME. */
  service: Service;
  /** Handler file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  trigger: Trigger;
  /** Runs in the VPC, in the database client security group, with the DB_* environment and secret read. */
  database: boolean;
  /** Topics it may publish to (least privilege; the outbox relay publishes whatever is pending). */
  publishes: TopicName[];
  capabilities?: Capability[];
  /** Needs the onnxruntime-node layer and the model files (fraud scoring). */
  onnx?: boolean;
  /** Reads the active fraud model's drift reference: the models' metadata and reference files in its bundle. */
  driftReference?: boolean;
}

/**
 * The function serving a route: named after the route, in the service whose folder holds the handler
 * (functions/<service>/handlers/...).
 */
export function routeFunction({ route, entry }: ApiRoute): FunctionSpec {
  const service = /^functions\/([\w-]+)\//.exec(entry)?.[1];
  if (!SERVICES.includes(service as Service)) {
    throw new ConfigError(
      `route ${route.name}: its handler ${entry} is not in a service folder (${SERVICES.join(', ')})`,
    );
  }
  return {
    id: route.name,
    service: service as Service,
    entry,
    description: route.function.description ?? `${route.method} ${route.path}`,
    trigger: { kind: 'api', route },
    database: route.function.database,
    publishes: route.function.publishes,
    ...(route.function.webhookSecrets ? { capabilities: ['webhook-secrets' as const] } : {}),
  };
}

/** The functions that serve no route. */
const OTHER_FUNCTIONS: readonly FunctionSpec[] = [
  // Cognito access tokens from the client-credentials flow carry no merchant_id claim of their own: this
  // pre-token-generation trigger adds it (the merchant is the app client). An issuer that sets merchant_id
  // itself (config auth.kind 'external') needs no trigger.
  {
    id: 'MerchantClaim',
    service: 'auth',
    entry: 'functions/auth/handlers/pre-token-generation.ts',
    description: 'Cognito pre-token generation: merchant_id claim in client-credentials access tokens',
    trigger: { kind: 'token' },
    database: false,
    publishes: [],
  },
  // Transactional outbox: publishes what was not published right after its commit.
  {
    id: 'OutboxRelay',
    service: 'outbox',
    entry: 'functions/shared/outbox/handlers/relay.ts',
    description: 'Publishes outbox events left unpublished (every minute)',
    trigger: { kind: 'schedule', expression: 'rate(1 minute)' },
    database: true,
    publishes: [...TOPIC_NAMES],
  },
  // Housekeeping: deletes bookkeeping rows nothing reads any more (inbox, facts, buckets, idempotency records).
  {
    id: 'Housekeeping',
    service: 'housekeeping',
    entry: 'functions/housekeeping/handlers/prune-expired.ts',
    description: 'Deletes expired bookkeeping rows (daily)',
    trigger: { kind: 'schedule', expression: 'rate(1 day)' },
    database: true,
    publishes: [],
  },
  {
    id: 'FraudConsumer',
    service: 'fraud',
    entry: 'functions/fraud/handlers/consumer.ts',
    description: 'Scores PaymentCreated with the ONNX model and decides',
    trigger: { kind: 'consumer', consumer: 'fraud' },
    database: true,
    publishes: ['payments', 'fraud'],
    onnx: true,
  },
  // Fraud model drift: yesterday's scores and features against the model's training window, as metrics the
  // drift alarms watch (just after midnight UTC, once the day is complete).
  {
    id: 'FraudDrift',
    service: 'fraud',
    entry: 'functions/fraud/handlers/measure-drift.ts',
    description:
      "Measures yesterday's fraud score and feature drift against the model's training window (daily)",
    trigger: { kind: 'schedule', expression: 'cron(30 0 * * ? *)' },
    database: true,
    publishes: [],
    driftReference: true,
  },
  {
    id: 'NotificationsConsumer',
    service: 'notifications',
    entry: 'functions/notifications/handlers/consumer.ts',
    description:
      "Sends e-mail (SES) and SMS (SNS) for payment events and the merchant's notices, with an audit log",
    trigger: { kind: 'consumer', consumer: 'notifications' },
    database: true,
    publishes: [],
    capabilities: ['notify'],
  },
  {
    id: 'AnalyticsConsumer',
    service: 'analytics',
    entry: 'functions/analytics/handlers/consumer.ts',
    description: 'Rolls every event up into live metrics',
    trigger: { kind: 'consumer', consumer: 'analytics' },
    database: true,
    publishes: [],
  },
  {
    id: 'WebhooksConsumer',
    service: 'webhooks',
    entry: 'functions/webhooks/handlers/consumer.ts',
    description: "Delivers every event to the merchant's webhook endpoints, signed, with retries",
    trigger: { kind: 'consumer', consumer: 'webhooks' },
    database: true,
    // WebhookEndpointDisabled, when an endpoint has failed everything for the retry window.
    publishes: ['merchants'],
    capabilities: ['webhook-secrets', 'webhook-queue'],
  },
  // Wakes the deliveries whose wait was too long for a delayed SQS message (and any whose message was lost).
  {
    id: 'WebhooksSweep',
    service: 'webhooks',
    entry: 'functions/webhooks/handlers/sweep.ts',
    description: 'Queues the webhook deliveries due for another attempt (every minute)',
    trigger: { kind: 'schedule', expression: 'rate(1 minute)' },
    database: true,
    publishes: [],
    capabilities: ['webhook-queue'],
  },
];

const ROUTE_FUNCTIONS = API_ROUTES.map(routeFunction);

/**
 * Every function, grouped by service (the operations dashboard lays out its widgets in this order): a service's
 * own rows, then its routes' in route list order.
 */
export const FUNCTIONS: readonly FunctionSpec[] = SERVICES.flatMap((service) =>
  [...OTHER_FUNCTIONS, ...ROUTE_FUNCTIONS].filter((f) => f.service === service),
);

/** A function's name without its environment prefix: CreatePayment -> create-payment. */
export function functionBaseName(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The repository root: entries and assets are resolved against it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The table, checked: a duplicate id or a missing handler file is a synth error. */
export function checkedFunctions(
  specs: readonly FunctionSpec[] = FUNCTIONS,
  root = REPO_ROOT,
): readonly FunctionSpec[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const spec of specs) {
    if (ids.has(spec.id)) problems.push(`duplicate id ${spec.id}`);
    ids.add(spec.id);
    if (!fs.existsSync(path.join(root, spec.entry)))
      problems.push(`${spec.id}: handler ${spec.entry} is missing`);
  }
  if (problems.length > 0)
    throw new ConfigError(`function table (lib/infra/config/functions.ts):\n  ${problems.join('\n  ')}`);
  return specs;
}
