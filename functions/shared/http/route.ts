import type * as z from 'zod';
import type { TopicName } from '../events/topology';
import type { Scope } from './auth';
import type { RateLimitClass } from './rate-limit-settings';

/**
 * One HTTP route, declared next to its handler. The handler checks `scope` with it (apiHandler); the route list
 * (functions/api/routes.ts) hands it to API Gateway, the local platform, the function table of the CDK app and
 * the OpenAPI document.
 */
export interface RouteDefinition {
  /** PascalCase: the function's construct id and the base of its logical ids; camelCased, the operationId. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway's form: `{param}` segments. */
  path: string;
  scope: Scope | 'public';
  /** The operation's summary in the OpenAPI document. */
  summary: string;
  /** The JSON body schema (the handler validates with it). */
  request?: z.ZodType;
  /** The query string schema (the handler validates with it); its properties become query parameters. */
  query?: z.ZodType;
  /**
   * The success status and the OpenAPI component id of its body, as a response-schemas module registers it with
   * `.meta({ id })`. An id, not the schema: only the OpenAPI document builds response schemas, so they stay out
   * of the function bundles and their cold start.
   */
  response: { status: number; schema: string };
  /** The request needs an Idempotency-Key header. */
  idempotent?: boolean;
  /** The merchant's budget the route spends (functions/shared/http/rate-limit.ts); unset: reads for GET, else writes. */
  rateLimit?: RateLimitClass;
  /** What the function serving the route needs on AWS. */
  function: {
    /** Runs in the VPC with database access. */
    database: boolean;
    /** Topics it may publish to. */
    publishes: TopicName[];
    /** Seals or opens webhook secrets (the webhook secrets' KMS key). */
    webhookSecrets?: boolean;
    /** The function's description; `${method} ${path}` when not given. */
    description?: string;
  };
}

/** Declares a route (the type checks the declaration; the value is the definition itself). */
export function defineRoute(route: RouteDefinition): RouteDefinition {
  return route;
}
