import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_ROUTES } from '../../functions/api/routes';
import { MERCHANT_CLAIM, SCOPES } from '../../functions/shared/http/auth';
import { apiGatewayEvent, matchRoute, type LambdaApiHandler } from '../../lib/local/api-gateway';
import { lambdaContext } from '../../lib/local/lambda-context';

export interface CallOptions {
  body?: unknown;
  /** raw body text, sent as is */
  rawBody?: string;
  headers?: Record<string, string>;
  merchantId?: string;
  scopes?: string[];
  /** the token's sub claim (default 'tester') */
  subject?: string;
  /** no authorizer context at all */
  anonymous?: boolean;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Invokes a Lambda API handler with the event API Gateway (and its JWT authorizer) would send for `method url`. */
export async function call(
  handler: LambdaApiHandler,
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const pathname = new URL(url, 'http://localhost').pathname;
  const match = matchRoute(API_ROUTES, method, pathname);
  if (!match) throw new Error(`no route for ${method} ${pathname}`);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const scopes = options.scopes ?? [...SCOPES];
  const jwt = options.anonymous
    ? undefined
    : {
        claims: {
          [MERCHANT_CLAIM]: options.merchantId ?? 'merchant_a',
          sub: options.subject ?? 'tester',
          scope: scopes.join(' '),
        },
        scopes,
      };
  const result = (await handler(
    apiGatewayEvent({ method, url, headers, ...(body ? { body } : {}) }, match, jwt),
    lambdaContext(match.route.name),
  )) as APIGatewayProxyStructuredResultV2;
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

export function paymentRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 1250,
    currency: 'EUR',
    customer: { id: 'cus_1', email: 'ada@example.com', phone: '+447700900123', country: 'GB' },
    paymentMethod: { type: 'card', fingerprint: 'fp_4242abcd', last4: '4242', brand: 'visa' },
    terminalId: 'web-shop',
    description: 'Order 1001',
    metadata: { order: '1001' },
    ...overrides,
  };
}
