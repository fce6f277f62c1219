import { withMerchantClaim, type TokenGenerationEvent } from '../merchant-claim';
import { withOperatorScopeForOperatorsOnly } from '../operator-scope';

/**
 * Cognito pre-token-generation trigger (V3): every access token carries the merchant_id claim RamPay reads, and
 * only the operator group's members keep the operators' scope.
 */
export const handler = async (event: TokenGenerationEvent): Promise<TokenGenerationEvent> =>
  withOperatorScopeForOperatorsOnly(withMerchantClaim(event));
