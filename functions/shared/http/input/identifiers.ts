import * as z from 'zod';

/**
 * A merchant id: what the Cognito pre-token trigger puts in the token (an app client id or the user's merchant
 * attribute), what the local issuer signs and what every merchant_id column holds.
 */
export const MERCHANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MERCHANT_ID_RULE = '1 to 64 characters, each a letter, digit, _ or -';

export function isMerchantId(value: unknown): value is string {
  return typeof value === 'string' && MERCHANT_ID_PATTERN.test(value);
}

export const merchantIdSchema = z
  .string({ error: `must be a merchant id: ${MERCHANT_ID_RULE}` })
  .regex(MERCHANT_ID_PATTERN, { error: `must be a merchant id: ${MERCHANT_ID_RULE}` });

/** Client-chosen ids (customer, terminal, card fingerprint): letters, digits and _ . : - */
export const IDENTIFIER_CHARSET = /^[A-Za-z0-9_.:-]+$/;

export function identifier(what: string, { min = 1, max }: { min?: number; max: number }) {
  return z
    .string({ error: `must be a string naming the ${what}` })
    .min(min, { error: min === 1 ? `must name the ${what}` : `must be at least ${min} characters` })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(IDENTIFIER_CHARSET, { error: 'may contain only letters, digits and _ . : -' });
}

export const CUSTOMER_ID_MAX = 255;
export const TERMINAL_ID_MAX = 64;
export const FINGERPRINT_MIN = 8;
export const FINGERPRINT_MAX = 64;

/** Idempotency-Key header: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 255 visible ASCII characters';

/** The token's `sub` claim (a Cognito user's UUID, an app client id, the local issuer's dev:<merchant>). */
export const SUBJECT_PATTERN = /^[\x21-\x7e]{1,255}$/;
