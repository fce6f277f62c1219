import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CacheStore, Rate } from '../cache/ports';
import { errorFacts } from '../error-facts';
import { logger } from '../logger';
import { Problem } from './problem';
import { header } from './request';
import type { RateLimitClass, RateLimitSettings } from './rate-limit-settings';
import type { RouteDefinition } from './route';

/** What the limiter needs of a route. */
export interface RateLimitedRoute {
  name: string;
  method: RouteDefinition['method'];
  idempotent?: boolean;
  /** Unset: reads for GET, writes for any other method. */
  rateLimit?: RateLimitClass;
}

/** How long a completed idempotent request counts as one a retry replays (the replay window). */
const REPLAY_MARKER_SECONDS = 24 * 60 * 60;

export function rateLimitClassOf(route: RateLimitedRoute): RateLimitClass {
  return route.rateLimit ?? (route.method === 'GET' ? 'reads' : 'writes');
}

export function rateFor(settings: RateLimitSettings, merchantId: string, cls: RateLimitClass): Rate {
  return (
    (Object.hasOwn(settings.merchants, merchantId) ? settings.merchants[merchantId]![cls] : undefined) ??
    settings.defaults[cls]
  );
}

/** The IETF RateLimit-Policy field: the policy's name, its quota and window. */
export function policyHeader(cls: RateLimitClass, rate: Rate): string {
  return `"${cls}";q=${rate.limit};w=${rate.periodSeconds}`;
}

// One hash slot per merchant ({...} hash tag): the script touches a merchant's buckets and markers together.
const bucketKey = (merchantId: string, cls: RateLimitClass) => `rl:{${merchantId}}:${cls}`;
function markerKey(
  merchantId: string,
  route: RateLimitedRoute,
  path: string,
  idempotencyKey: string,
): string {
  const digest = createHash('sha256').update(`${route.name}\n${path}\n${idempotencyKey}`).digest('base64url');
  return `rl:{${merchantId}}:seen:${digest.slice(0, 22)}`;
}

export interface RateLimitOutcome {
  /** RateLimit-Policy and RateLimit, for every answer to the request. */
  headers: Record<string, string>;
  /** After a 2xx answer to an idempotent request: remember it, so that its retries count as reads. */
  completed(status: number): Promise<void>;
}

let unavailableMetrics: Metrics | undefined;

/** Counts a check skipped because the cache did not answer (the RateLimitCacheUnavailable alarm watches it). */
function recordUnavailable(): void {
  if (!process.env.RAMPAY_ENV) return; // the local platform and tests print no EMF
  unavailableMetrics ??= new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'RamPay',
    serviceName: 'api',
    defaultDimensions: { environment: process.env.RAMPAY_ENV },
  });
  unavailableMetrics.addMetric('RateLimitCacheUnavailable', MetricUnit.Count, 1);
  unavailableMetrics.publishStoredMetrics();
}

/**
 * Charges the request to its merchant's budget for the route's class, before any database work. An idempotent
 * request whose key already completed (a retry that will replay) is charged to reads. Over the limit: a 429
 * problem naming the limit, with Retry-After. When the cache does not answer, the request is served without a
 * limit (fail open) with a warning and the RateLimitCacheUnavailable metric: a cache outage must not become an
 * API outage.
 */
export async function checkRateLimit(options: {
  route: RateLimitedRoute;
  merchantId: string;
  event: APIGatewayProxyEventV2;
  settings: RateLimitSettings;
  cache: () => Promise<CacheStore>;
}): Promise<RateLimitOutcome> {
  const { route, merchantId, event, settings } = options;
  const cls = rateLimitClassOf(route);
  const rate = rateFor(settings, merchantId, cls);
  const idempotencyKey = route.idempotent ? header(event, 'idempotency-key')?.trim() : undefined;
  const marker = idempotencyKey ? markerKey(merchantId, route, event.rawPath, idempotencyKey) : undefined;
  const readRate = rateFor(settings, merchantId, 'reads');
  let store: CacheStore;
  let result;
  try {
    store = await options.cache();
    result = await store.charge({
      bucket: { key: bucketKey(merchantId, cls), rate },
      ...(marker
        ? { unless: { marker, instead: { key: bucketKey(merchantId, 'reads'), rate: readRate } } }
        : {}),
    });
  } catch (error) {
    logger.warn('rate limit not checked: the cache did not answer; serving without a limit', {
      ...errorFacts(error),
      limit: cls,
    });
    recordUnavailable();
    return { headers: { 'ratelimit-policy': policyHeader(cls, rate) }, completed: async () => undefined };
  }
  const chargedClass: RateLimitClass = result.charged === 'instead' ? 'reads' : cls;
  const chargedRate = result.charged === 'instead' ? readRate : rate;
  const headers = {
    'ratelimit-policy': policyHeader(chargedClass, chargedRate),
    ratelimit: `"${chargedClass}";r=${result.remaining};t=${result.allowed ? result.resetSeconds : result.retryAfterSeconds}`,
  };
  if (!result.allowed) {
    const { limit, periodSeconds } = chargedRate;
    throw new Problem(
      429,
      'rate-limited',
      'Too many requests',
      `the ${chargedClass} limit of ${limit} requests per ${periodSeconds} s for merchant ${merchantId} is used up; ` +
        `retry in ${result.retryAfterSeconds} s`,
      {
        limit: chargedClass,
        quota: limit,
        windowSeconds: periodSeconds,
        retryAfterSeconds: result.retryAfterSeconds,
      },
      { ...headers, 'retry-after': String(result.retryAfterSeconds) },
    );
  }
  return {
    headers,
    completed: async (status) => {
      if (!marker || status < 200 || status >= 300) return;
      await store.set(marker, '1', REPLAY_MARKER_SECONDS).catch((error: unknown) => {
        logger.warn('replay marker not stored: the cache did not answer', errorFacts(error));
      });
    },
  };
}
