import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { isMerchantId, MERCHANT_ID_RULE, SUBJECT_PATTERN } from './input/patterns';
import { problems } from './problem';

export const SCOPES = [
  'payments:read',
  'payments:write',
  'refunds:write',
  'reviews:read',
  'reviews:write',
  'analytics:read',
  'analytics:admin',
  'audit:read',
  'webhooks:read',
  'webhooks:write',
  // The merchant's own settings (GET and PUT /merchant/settings: where its notices are e-mailed).
  'settings:read',
  'settings:write',
  // The fraud operators' review queue across merchants (GET /operator/reviews and its decisions).
  'reviews:operate',
] as const;
export type Scope = (typeof SCOPES)[number];

/** The fraud operators' scope: only members of OPERATOR_GROUP carry it (functions/auth/operator-scope.ts). */
export const OPERATOR_SCOPE: Scope = 'reviews:operate';
/** The user pool groups of console users: a merchant's staff, and the platform's fraud operators. */
export const MERCHANT_GROUP = 'merchant';
export const OPERATOR_GROUP = 'operator';

/** The JWT claim that names the caller's merchant (custom claim added by the issuer). */
export const MERCHANT_CLAIM = 'merchant_id';

/**
 * Cognito names resource-server scopes `<identifier>/<scope>` (e.g. `rampay/payments:read`); the API stack sets
 * AUTH_SCOPE_PREFIX to that `<identifier>/` and the handlers compare scopes without it.
 */
function withoutPrefix(scope: string): string {
  const prefix = process.env.AUTH_SCOPE_PREFIX;
  return prefix && scope.startsWith(prefix) ? scope.slice(prefix.length) : scope;
}

export interface Caller {
  merchantId: string;
  subject: string;
  scopes: ReadonlySet<string>;
}

/**
 * The caller, from the claims API Gateway's JWT authorizer (or the local platform, which verifies tokens the same
 * way) put in the request context. The authorizer already checked the route's scope; it is checked again here so
 * that a misconfigured route cannot open a door.
 */
export function authorize(event: APIGatewayProxyEventV2WithJWTAuthorizer, scope: Scope): Caller {
  const jwt = event.requestContext.authorizer?.jwt;
  if (!jwt) throw problems.unauthenticated('send a bearer token in the Authorization header');
  const claims = jwt.claims ?? {};
  const merchantId = claims[MERCHANT_CLAIM];
  if (merchantId === undefined || merchantId === '') {
    throw problems.unauthorized(`the token carries no ${MERCHANT_CLAIM} claim`);
  }
  if (!isMerchantId(merchantId)) {
    throw problems.unauthorized(`the token's ${MERCHANT_CLAIM} claim must be ${MERCHANT_ID_RULE}`);
  }
  const subject = claims.sub === undefined ? merchantId : claims.sub;
  if (typeof subject !== 'string' || !SUBJECT_PATTERN.test(subject)) {
    throw problems.unauthorized("the token's sub claim must be 1 to 255 visible ASCII characters");
  }
  const granted = [
    ...(jwt.scopes ?? []),
    ...(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []),
    ...(typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : []),
  ];
  const scopes = new Set(granted.map(withoutPrefix));
  if (!scopes.has(scope)) throw problems.insufficientScope(scope);
  return { merchantId, subject, scopes };
}
