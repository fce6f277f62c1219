import { handler } from '../../../functions/auth/handlers/pre-token-generation';
import type { TokenGenerationEvent } from '../../../functions/auth/merchant-claim';

function event(overrides: Partial<TokenGenerationEvent> = {}): TokenGenerationEvent {
  return {
    triggerSource: 'TokenGeneration_ClientCredentials',
    callerContext: { clientId: '5r8example0client' },
    request: {},
    response: { claimsAndScopeOverrideDetails: null },
    ...overrides,
  };
}

describe('pre-token-generation trigger', () => {
  it('names the app client as the merchant of a client-credentials token', async () => {
    const result = await handler(event());
    expect(
      result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({
      merchant_id: '5r8example0client',
    });
  });

  it("prefers a user's merchant attribute and keeps claims other triggers added", async () => {
    const result = await handler(
      event({
        triggerSource: 'TokenGeneration_Authentication',
        request: { userAttributes: { 'custom:merchant_id': 'merchant_42' } },
        response: {
          claimsAndScopeOverrideDetails: {
            accessTokenGeneration: { claimsToAddOrOverride: { tier: 'gold' } },
          },
        },
      }),
    );
    expect(
      result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({
      tier: 'gold',
      merchant_id: 'merchant_42',
    });
  });

  it.each(['*', 'merchant a', 'm\u0000', 'x'.repeat(65), 'é'])(
    'refuses to issue a token for a merchant attribute that is not a merchant id (%j)',
    async (merchant) => {
      await expect(
        handler(event({ request: { userAttributes: { 'custom:merchant_id': merchant } } })),
      ).rejects.toThrow(/not a merchant id/);
    },
  );
});

describe('the operators scope', () => {
  const requested = ['rampay/reviews:read', 'rampay/reviews:operate'];
  const suppressed = (e: TokenGenerationEvent) =>
    e.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress ?? [];

  it('is taken out of a merchant user’s token and of an app client’s', async () => {
    const user = await handler(
      event({
        triggerSource: 'TokenGeneration_Authentication',
        request: {
          userAttributes: { 'custom:merchant_id': 'merchant_42' },
          scopes: requested,
          groupConfiguration: { groupsToOverride: ['merchant'] },
        },
      }),
    );
    expect(suppressed(user)).toEqual(['rampay/reviews:operate']);
    expect(user.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual(
      {
        merchant_id: 'merchant_42',
      },
    );
    const client = await handler(event({ request: { scopes: requested } }));
    expect(suppressed(client)).toEqual(['rampay/reviews:operate']);
  });

  it('stays in an operator’s token', async () => {
    const operator = await handler(
      event({
        triggerSource: 'TokenGeneration_Authentication',
        request: { scopes: requested, groupConfiguration: { groupsToOverride: ['operator'] } },
      }),
    );
    expect(suppressed(operator)).toEqual([]);
  });
});
