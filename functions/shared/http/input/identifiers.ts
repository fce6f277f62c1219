import * as z from 'zod';
import { IDENTIFIER_CHARSET, MERCHANT_ID_PATTERN, MERCHANT_ID_RULE } from './patterns';

export {
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_KEY_RULE,
  IDENTIFIER_CHARSET,
  isMerchantId,
  MERCHANT_ID_PATTERN,
  MERCHANT_ID_RULE,
  SUBJECT_PATTERN,
} from './patterns';

export const merchantIdSchema = z
  .string({ error: `must be a merchant id: ${MERCHANT_ID_RULE}` })
  .regex(MERCHANT_ID_PATTERN, { error: `must be a merchant id: ${MERCHANT_ID_RULE}` });

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
