import { withMerchantClaim, type TokenGenerationEvent } from '../merchant-claim';

/** Cognito pre-token-generation trigger (V3): every access token carries the merchant_id claim RamPay reads. */
export const handler = async (event: TokenGenerationEvent): Promise<TokenGenerationEvent> =>
  withMerchantClaim(event);
