/**
 * The auth service's public face: the merchant claim every access token carries (Cognito's pre-token-generation
 * trigger, ./handlers/pre-token-generation.ts, adds it).
 */
export {
  MERCHANT_ATTRIBUTE,
  merchantOf,
  withMerchantClaim,
  type TokenGenerationEvent,
} from './merchant-claim';
