import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { authorize } from '../../../../functions/shared/http/auth';
import { Problem } from '../../../../functions/shared/http/problem';

function eventWith(claims: Record<string, unknown> | undefined, scopes: string[] | null = null) {
  return {
    requestContext: { authorizer: claims ? { jwt: { claims, scopes } } : undefined },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Problem).status;
  }
  return 200;
};

describe('authorize', () => {
  afterEach(() => delete process.env.AUTH_SCOPE_PREFIX);

  it('takes the merchant from the merchant_id claim and scopes from scope or the authorizer list', () => {
    const caller = authorize(
      eventWith({ merchant_id: 'm1', sub: 'u1', scope: 'payments:read refunds:write' }),
      'refunds:write',
    );
    expect(caller).toMatchObject({ merchantId: 'm1', subject: 'u1' });
    expect(authorize(eventWith({ merchant_id: 'm1' }, ['payments:read']), 'payments:read').merchantId).toBe(
      'm1',
    );
  });

  it('answers 401 without a token or a merchant claim, 403 without the scope', () => {
    expect(statusOf(() => authorize(eventWith(undefined), 'payments:read'))).toBe(401);
    expect(statusOf(() => authorize(eventWith({ scope: 'payments:read' }), 'payments:read'))).toBe(401);
    expect(
      statusOf(() => authorize(eventWith({ merchant_id: 'm1', scope: 'payments:read' }), 'payments:write')),
    ).toBe(403);
  });

  it("understands Cognito's resource-server scope names", () => {
    process.env.AUTH_SCOPE_PREFIX = 'rampay/';
    const cognito = eventWith({ merchant_id: 'm1', scope: 'rampay/payments:read' });
    expect(authorize(cognito, 'payments:read').scopes.has('payments:read')).toBe(true);
    expect(statusOf(() => authorize(cognito, 'payments:write'))).toBe(403);
    expect(
      statusOf(() =>
        authorize(eventWith({ merchant_id: 'm1', scope: 'other/payments:write' }), 'payments:write'),
      ),
    ).toBe(403);
  });

  it.each(['*', '', 'a'.repeat(65), 'a'.repeat(10_000), 'm\u0000', 'm\ud800', 'm.1', 'm 1', 42])(
    'refuses a merchant_id claim out of format (%j) with 401 invalid_token',
    (merchantId) => {
      const event = eventWith({ merchant_id: merchantId, scope: 'payments:read' });
      expect(statusOf(() => authorize(event, 'payments:read'))).toBe(401);
      try {
        authorize(event, 'payments:read');
      } catch (error) {
        expect((error as Problem).headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      }
    },
  );

  it('accepts merchant ids of the documented format, up to 64 characters', () => {
    for (const merchantId of ['merchant_dev', 'm1', '5r8example0client', 'A-b_9', 'a'.repeat(64)]) {
      expect(
        authorize(eventWith({ merchant_id: merchantId, scope: 'payments:read' }), 'payments:read'),
      ).toMatchObject({
        merchantId,
      });
    }
  });

  it('refuses a sub claim PostgreSQL could not store, and reads scopes from scp too', () => {
    expect(
      statusOf(() =>
        authorize(eventWith({ merchant_id: 'm1', sub: 'u\u0000', scope: 'payments:read' }), 'payments:read'),
      ),
    ).toBe(401);
    expect(
      authorize(eventWith({ merchant_id: 'm1', scp: 'payments:read' }), 'payments:read').merchantId,
    ).toBe('m1');
  });

  it('challenges with WWW-Authenticate: bare Bearer without a token, insufficient_scope without the scope', () => {
    try {
      authorize(eventWith(undefined), 'payments:read');
    } catch (error) {
      expect((error as Problem).headers['www-authenticate']).toBe('Bearer');
    }
    try {
      authorize(eventWith({ merchant_id: 'm1', scope: 'payments:read' }), 'payments:write');
    } catch (error) {
      expect((error as Problem).headers['www-authenticate']).toMatch(
        /^Bearer error="insufficient_scope", error_description="[^"]+", scope="payments:write"$/,
      );
    }
    expect.assertions(2);
  });
});
