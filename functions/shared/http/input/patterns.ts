/**
 * The formats of identifiers, as plain patterns: what the token checks need (the API edge, the Cognito trigger),
 * apart from the zod schemas in ./identifiers.ts so that a function that only checks a token carries no zod.
 */

/**
 * A merchant id: what the Cognito pre-token trigger puts in the token (an app client id or the user's merchant
 * attribute), what the local issuer signs and what every merchant_id column holds.
 */
export const MERCHANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MERCHANT_ID_RULE = '1 to 64 characters, each a letter, digit, _ or -';

export function isMerchantId(value: unknown): value is string {
  return typeof value === 'string' && MERCHANT_ID_PATTERN.test(value);
}

/** Client-chosen ids (customer, terminal, card fingerprint): letters, digits and _ . : - */
export const IDENTIFIER_CHARSET = /^[A-Za-z0-9_.:-]+$/;

/** Idempotency-Key header: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 255 visible ASCII characters';

/** The token's `sub` claim (a Cognito user's UUID, an app client id, the local issuer's dev:<merchant>). */
export const SUBJECT_PATTERN = /^[\x21-\x7e]{1,255}$/;
