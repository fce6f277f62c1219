import { MERCHANT_CLAIM } from '../shared/http/auth';
import { isMerchantId, MERCHANT_ID_RULE } from '../shared/http/input/patterns';

/** The parts of Cognito's pre-token-generation (V3) event that decide the merchant. */
export interface TokenGenerationEvent {
  triggerSource: string;
  callerContext: { clientId: string };
  request: {
    userAttributes?: Record<string, string>;
    /** The scopes the token is about to carry (as the issuer names them, e.g. `rampay/reviews:read`). */
    scopes?: string[];
    groupConfiguration?: { groupsToOverride?: string[] };
  };
  response: {
    claimsAndScopeOverrideDetails?: {
      accessTokenGeneration?: {
        claimsToAddOrOverride?: Record<string, string>;
        scopesToSuppress?: string[];
      };
    } | null;
  };
}

/** A user may carry its merchant as a custom attribute; a merchant's back end is its own app client. */
export const MERCHANT_ATTRIBUTE = `custom:${MERCHANT_CLAIM}`;

/**
 * The merchant an access token speaks for: the user's merchant attribute when there is one, otherwise the app
 * client (client-credentials tokens have no user). The token can never choose it: both come from Cognito.
 */
export function merchantOf(event: TokenGenerationEvent): string {
  const merchant = event.request.userAttributes?.[MERCHANT_ATTRIBUTE] || event.callerContext.clientId;
  // Throwing makes Cognito refuse the token: better no token than one every API call would refuse.
  if (!isMerchantId(merchant)) {
    throw new Error(`the merchant of this user or app client is not a merchant id (${MERCHANT_ID_RULE})`);
  }
  return merchant;
}

export function withMerchantClaim<E extends TokenGenerationEvent>(event: E): E {
  event.response = {
    ...event.response,
    claimsAndScopeOverrideDetails: {
      ...event.response.claimsAndScopeOverrideDetails,
      accessTokenGeneration: {
        ...event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration,
        claimsToAddOrOverride: {
          ...event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride,
          [MERCHANT_CLAIM]: merchantOf(event),
        },
      },
    },
  };
  return event;
}
