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

function correlationIdOf(event: ApiEvent): string {
  const given = header(event, CORRELATION_HEADER);
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : event.requestContext.requestId;
}

/**
 * Wraps an API use-case call as the Lambda handler of a route: correlation id, authorization with the route's
 * scope, JSON responses, and every error turned into problem+json (a Problem keeps its status; anything else is
 * a logged 500 that leaks nothing).
 */
export function apiHandler(
  route: Pick<RouteDefinition, 'scope'> & Partial<Pick<RouteDefinition, 'method' | 'path'>>,
  run: (request: ApiRequest) => Promise<ApiResult>,
): ApiHandler {
  const { scope } = route;
  // The request's span: the root of its trace (on Lambda, under the invocation's segment).
  const spanName = route.method && route.path ? `${route.method} ${route.path}` : 'request';
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
        [CORRELATION_HEADER]: correlationId,
      });
    })
    .handler(async (event, context) => {
      const correlationId = correlationIdOf(event);
      const caller =
        scope === 'public'
          ? { merchantId: '', subject: '', scopes: new Set<string>() }
          : authorize(event, scope);
      const result = await inSpan(spanName, { kind: 'server', attributes: spanAttributes }, async () => {
        const answered = await run({ event, context, caller, correlationId });
        setSpanAttributes({ 'http.status_code': answered.status, correlation_id: correlationId });
        return answered;
      });
      return {
        statusCode: result.status,
        headers: {
          'content-type': 'application/json',
          [CORRELATION_HEADER]: correlationId,
          ...result.headers,
        },
        body: result.body === undefined ? '' : JSON.stringify(result.body),
      };
    }) as unknown as ApiHandler;
}
