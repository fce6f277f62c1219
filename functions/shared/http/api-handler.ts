import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { logger } from '../logger';
import { authorize, type Caller } from './auth';
import { header } from './request';
import { errorFacts } from '../error-facts';
import { Problem, problemFor, problemResponse } from './problem';
import type { RouteDefinition } from './route';
import { inSpan, setSpanAttributes } from '../tracing/tracer';
import { sharedCache } from '../cache/connection';
import { checkRateLimit } from './rate-limit';
import { rateLimitSettingsFromEnvironment, type RateLimitSettings } from './rate-limit-settings';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface ApiRequest {
  event: ApiEvent;
  context: Context;
  caller: Caller;
  correlationId: string;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const CORRELATION_HEADER = 'x-correlation-id';

/** The RateLimit headers of a request once its merchant was charged: errors after the check carry them too. */
const rateLimitHeaders = new WeakMap<ApiEvent, Record<string, string>>();

let rateLimitSource: { value: string | undefined; settings: RateLimitSettings } | undefined;
/** RATE_LIMITS, parsed once per value. */
function rateLimitSettings(): RateLimitSettings {
  const value = process.env.RATE_LIMITS;
  if (!rateLimitSource || rateLimitSource.value !== value) {
    rateLimitSource = { value, settings: rateLimitSettingsFromEnvironment(value) };
  }
  return rateLimitSource.settings;
}

function correlationIdOf(event: ApiEvent): string {
  const given = header(event, CORRELATION_HEADER);
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : event.requestContext.requestId;
}

/**
 * Wraps an API use-case call as the Lambda handler of a route: correlation id, authorization with the route's
 * scope, the merchant's rate limit for the route's class (rate-limit.ts; before any database work), JSON
 * responses, and every error turned into problem+json (a Problem keeps its status; anything else is a logged 500
 * that leaks nothing).
 */
export function apiHandler(
  route: Pick<RouteDefinition, 'scope' | 'name' | 'method' | 'idempotent' | 'rateLimit'> &
    Partial<Pick<RouteDefinition, 'path'>>,
  run: (request: ApiRequest) => Promise<ApiResult>,
): ApiHandler {
  const { scope } = route;
  // The request's span: the root of its trace (on Lambda, under the invocation's segment).
  const spanName = route.path ? `${route.method} ${route.path}` : 'request';
  const spanAttributes = { 'http.route': spanName };
  return middy<ApiEvent, APIGatewayProxyStructuredResultV2>()
    .before((request) => {
      logger.appendKeys({ correlationId: correlationIdOf(request.event) });
    })
    .onError((request) => {
      const correlationId = correlationIdOf(request.event);
      const error = problemFor(request.error) ?? request.error;
      const problem =
        error instanceof Problem
          ? error
          : new Problem(
              500,
              'internal',
              'Internal error',
              `something went wrong on our side; quote ${correlationId}`,
            );
      if (!(error instanceof Problem))
        logger.error('unhandled error', { ...errorFacts(error), correlationId });
      request.response = problemResponse(problem, request.event.rawPath, {
        ...rateLimitHeaders.get(request.event),
        [CORRELATION_HEADER]: correlationId,
      });
    })
    .handler(async (event, context) => {
      const correlationId = correlationIdOf(event);
      const caller =
        scope === 'public'
          ? { merchantId: '', subject: '', scopes: new Set<string>() }
          : authorize(event, scope);
      const { result, limit } = await inSpan(
        spanName,
        { kind: 'server', attributes: spanAttributes },
        async () => {
          const charged =
            scope === 'public'
              ? undefined
              : await checkRateLimit({
                  route,
                  merchantId: caller.merchantId,
                  event,
                  settings: rateLimitSettings(),
                  cache: sharedCache,
                });
          if (charged) rateLimitHeaders.set(event, charged.headers);
          const answered = await run({ event, context, caller, correlationId });
          await charged?.completed(answered.status);
          setSpanAttributes({ 'http.status_code': answered.status, correlation_id: correlationId });
          return { result: answered, limit: charged };
        },
      );
      return {
        statusCode: result.status,
        headers: {
          'content-type': 'application/json',
          ...limit?.headers,
          [CORRELATION_HEADER]: correlationId,
          ...result.headers,
        },
        body: result.body === undefined ? '' : JSON.stringify(result.body),
      };
    }) as unknown as ApiHandler;
}
