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
