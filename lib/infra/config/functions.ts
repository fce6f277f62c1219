/**
 * Every Lambda function of the platform and how it is triggered: the ONE table the api and services stacks
 * build from (and the bundle benchmark measures). Entries point at handler files by path; nothing here imports
 * function code. HTTP routes are not repeated here: they come from functions/api/routes.ts (API_ROUTES, shared
 * with the local platform), matched to a row by its `entry`; this table adds what only the cloud needs
 * (service name, database access, topics it publishes to, extra permissions).
 *
 * A row with `landsWith` belongs to a service whose issue has not landed yet: it is left out of the synth until
 * its handler file (and, for the API, its route in API_ROUTES) exists, and appears by itself once they do. A row
 * without it must have both: a missing one fails synth.
 */
import fs from 'node:fs';
import path from 'node:path';
import { API_ROUTES, type ApiRoute } from '../../../functions/api/routes';
import { ConfigError } from './errors';
import type { ConsumerName, TopicName } from '../../../functions/shared/events/topology';

export type Trigger =
  /** Routes: every API_ROUTES entry with this row's `entry`. */
  | { kind: 'api' }
  | { kind: 'consumer'; consumer: ConsumerName }
  | { kind: 'schedule'; expression: string }
  /** The Cognito user pool's pre-token-generation trigger (V3). */
  | { kind: 'token' };

/**
 * Extra AWS permissions a function needs beyond database access and publishing. 'notify': send e-mail through
 * the environment's SES identity and SMS through SNS (NotificationsResources grants it, with the environment).
 */
export type Capability = 'notify';

export interface FunctionSpec {
  /** Construct id, PascalCase; also the base of the function name. */
  id: string;
  /** POWERTOOLS_SERVICE_NAME. */
  service: 'payments' | 'outbox' | 'fraud' | 'notifications' | 'analytics' | 'auth' | 'housekeeping';
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
  /** The issue that brings the handler; until its file exists, the row is skipped. */
  landsWith?: string;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  // Payments API (issue 2).
  {
    id: 'CreatePayment',
    service: 'payments',
    entry: 'functions/payments/handlers/create-payment.ts',
    description: 'POST /payments',
    trigger: { kind: 'api' },
    database: true,
    publishes: ['payments'],
  },
  {
    id: 'GetPayment',
    service: 'payments',
    entry: 'functions/payments/handlers/get-payment.ts',
    description: 'GET /payments/{id}',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
  },
  {
    id: 'ListPayments',
    service: 'payments',
    entry: 'functions/payments/handlers/list-payments.ts',
    description: 'GET /payments',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
  },
  {
    id: 'CreateRefund',
    service: 'payments',
    entry: 'functions/payments/handlers/create-refund.ts',
    description: 'POST /payments/{id}/refunds',
    trigger: { kind: 'api' },
    database: true,
    publishes: ['payments'],
  },
  {
    id: 'ListEvents',
    service: 'payments',
    entry: 'functions/payments/handlers/list-events.ts',
    description: 'GET /events',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
  },
  {
    id: 'Health',
    service: 'payments',
    entry: 'functions/payments/handlers/health.ts',
    description: 'GET /health (liveness and database reachability)',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
  },
  // Cognito access tokens from the client-credentials flow carry no merchant_id claim of their own: this
  // pre-token-generation trigger adds it (the merchant is the app client). Slot for the lead (functions/auth);
  // without it, the Cognito default needs an issuer that sets merchant_id (config auth.kind 'external').
  {
    id: 'MerchantClaim',
    service: 'auth',
    entry: 'functions/auth/handlers/pre-token-generation.ts',
    description: 'Cognito pre-token generation: merchant_id claim in client-credentials access tokens',
    trigger: { kind: 'token' },
    database: false,
    publishes: [],
    landsWith: 'the Cognito merchant claim (lead)',
  },
  // Transactional outbox: publishes what was not published right after its commit (issue 2).
  {
    id: 'OutboxRelay',
    service: 'outbox',
    entry: 'functions/shared/outbox/handlers/relay.ts',
    description: 'Publishes outbox events left unpublished (every minute)',
    trigger: { kind: 'schedule', expression: 'rate(1 minute)' },
    database: true,
    publishes: ['payments', 'fraud'],
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

  // Issue 5 (fraud detection) fills these slots.
  {
    id: 'FraudConsumer',
    service: 'fraud',
    entry: 'functions/fraud/handlers/consumer.ts',
    description: 'Scores PaymentCreated with the ONNX model and decides',
    trigger: { kind: 'consumer', consumer: 'fraud' },
    database: true,
    publishes: ['payments', 'fraud'],
    onnx: true,
    landsWith: 'issue 5',
  },
  {
    id: 'ListReviews',
    service: 'fraud',
    entry: 'functions/fraud/handlers/list-reviews.ts',
    description: 'GET /reviews',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
    landsWith: 'issue 5',
  },
  {
    id: 'DecideReview',
    service: 'fraud',
    entry: 'functions/fraud/handlers/decide-review.ts',
    description: 'POST /reviews/{paymentId}/decision',
    trigger: { kind: 'api' },
    database: true,
    publishes: ['payments'],
    landsWith: 'issue 5',
  },
  {
    id: 'ReportFraud',
    service: 'fraud',
    entry: 'functions/fraud/handlers/report-fraud.ts',
    description: 'POST /payments/{id}/fraud-reports',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
    landsWith: 'issue 5',
  },

  // Issue 6 (notifications) fills these slots.
  {
    id: 'NotificationsConsumer',
    service: 'notifications',
    entry: 'functions/notifications/handlers/consumer.ts',
    description: 'Sends e-mail (SES) and SMS (SNS) for payment events, with an audit log',
    trigger: { kind: 'consumer', consumer: 'notifications' },
    database: true,
    publishes: [],
    capabilities: ['notify'],
    landsWith: 'issue 6',
  },
  {
    id: 'ListNotifications',
    service: 'notifications',
    entry: 'functions/notifications/handlers/list-notifications.ts',
    description: 'GET /payments/{id}/notifications',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
    landsWith: 'issue 6',
  },

  // Issue 7 (analytics) fills these slots.
  {
    id: 'AnalyticsConsumer',
    service: 'analytics',
    entry: 'functions/analytics/handlers/consumer.ts',
    description: 'Rolls every event up into live metrics',
    trigger: { kind: 'consumer', consumer: 'analytics' },
    database: true,
    publishes: [],
    landsWith: 'issue 7',
  },
  {
    id: 'AnalyticsSummary',
    service: 'analytics',
    entry: 'functions/analytics/handlers/summary.ts',
    description: 'GET /analytics/summary',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
    landsWith: 'issue 7',
  },
  {
    id: 'AnalyticsTimeseries',
    service: 'analytics',
    entry: 'functions/analytics/handlers/timeseries.ts',
    description: 'GET /analytics/timeseries',
    trigger: { kind: 'api' },
    database: true,
    publishes: [],
    landsWith: 'issue 7',
  },
];

/** The repository root: entries and assets are resolved against it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface ResolvedFunctions {
  /** Rows whose handler exists: these are deployed. */
  active: FunctionSpec[];
  /** Rows waiting for their issue to land. */
  pending: FunctionSpec[];
}

/**
 * Splits the table by handler presence. A row that should exist and does not, an API row without a route, or a
 * route without an API row is a synth error.
 */
export function resolveFunctions(
  specs: readonly FunctionSpec[] = FUNCTIONS,
  routes: readonly ApiRoute[] = API_ROUTES,
  root = REPO_ROOT,
): ResolvedFunctions {
  const problems: string[] = [];
  const ids = new Set<string>();
  const active: FunctionSpec[] = [];
  const pending: FunctionSpec[] = [];
  for (const spec of specs) {
    if (ids.has(spec.id)) problems.push(`duplicate id ${spec.id}`);
    ids.add(spec.id);
    const exists = fs.existsSync(path.join(root, spec.entry));
    const routed = spec.trigger.kind !== 'api' || routesOf(spec, routes).length > 0;
    if (exists && routed) active.push(spec);
    // A slot lands when both its handler and (for the API) its route are there.
    else if (spec.landsWith) pending.push(spec);
    else if (!exists) problems.push(`${spec.id}: handler ${spec.entry} is missing`);
    else problems.push(`${spec.id}: no route in functions/api/routes.ts has entry ${spec.entry}`);
  }
  for (const route of routes) {
    const owner = specs.find((s) => s.entry === route.entry);
    if (!owner || owner.trigger.kind !== 'api') {
      problems.push(
        `route ${route.method} ${route.path}: no api row for ${route.entry} in lib/infra/config/functions.ts`,
      );
    }
  }
  if (problems.length > 0)
    throw new ConfigError(`function table (lib/infra/config/functions.ts):\n  ${problems.join('\n  ')}`);
  return { active, pending };
}

/** The HTTP routes a function serves. */
export function routesOf(spec: FunctionSpec, routes: readonly ApiRoute[] = API_ROUTES): ApiRoute[] {
  return routes.filter((r) => r.entry === spec.entry);
}
