import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { ApiRoute } from '../../functions/api/routes';

export interface HttpRequestParts {
  method: string;
  /** path plus optional query string, e.g. /payments?limit=2 */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type LambdaApiHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface MatchedRoute extends ApiRoute {
  pathParameters: Record<string, string>;
}

/** The path parameters of `pathname` if it matches `pattern` the way API Gateway matches `{param}` segments. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const segments = pathname.split('/').filter(Boolean);
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const pathParameters: Record<string, string> = {};
  const matches = parts.every((part, i) => {
    const segment = segments[i]!;
    if (part.startsWith('{') && part.endsWith('}')) {
      pathParameters[part.slice(1, -1)] = segment;
      return true;
    }
    return part === segment;
  });
  return matches ? pathParameters : undefined;
}

/** Finds the route for a method and path, as API Gateway does. */
export function matchRoute(
  routes: readonly ApiRoute[],
  method: string,
  pathname: string,
): MatchedRoute | undefined {
  for (const { route, entry } of routes) {
    if (route.method !== method) continue;
    const pathParameters = matchPath(route.path, pathname);
    if (pathParameters) return { route, entry, pathParameters };
  }
  return undefined;
}

/** An API Gateway HTTP API (payload v2) event, as the JWT authorizer would hand it to the Lambda. */
export function apiGatewayEvent(
  request: HttpRequestParts,
  match: MatchedRoute,
  jwt?: { claims: Record<string, unknown>; scopes: string[] },
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const url = new URL(request.url, 'http://localhost');
  const query: Record<string, string> = {};
  // Repeated parameters are joined with commas, as API Gateway does (an inherited `constructor` is no parameter).
  for (const [key, value] of url.searchParams)
    query[key] = Object.hasOwn(query, key) ? `${query[key]},${value}` : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${match.route.method} ${match.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    ...(request.body ? { body: request.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${match.route.method} ${match.route.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: jwt ? { principalId: '', integrationLatency: 0, jwt: jwt as never } : (undefined as never),
    },
  };
}
