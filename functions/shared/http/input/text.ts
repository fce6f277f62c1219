import * as z from 'zod';
import type { FieldError } from '../problem';

// U+0000 cannot be stored in a PostgreSQL text or jsonb value, and a UTF-16 surrogate without its pair has no
// UTF-8 encoding: either makes the database refuse the statement.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_RULE = 'must not contain U+0000 or an unpaired UTF-16 surrogate';

/** Object keys no request may use: they name JavaScript's prototype machinery, never data. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

/** Free text of at most `max` characters that PostgreSQL can store. */
export function text(max: number) {
  return z
    .string({ error: 'must be a string' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine(isStorableText, { error: UNSTORABLE_TEXT_RULE });
}

function join(path: readonly string[], fallback: string): string {
  return path.filter(Boolean).join('.') || fallback;
}

/**
 * The first string or key anywhere in `value` that cannot be stored or names the prototype, as a field error;
 * every string a client sends passes here before any schema sees it, so no field can forget the rule.
 */
export function unacceptableInput(
  value: unknown,
  path: readonly string[] = [],
  fallback = '(body)',
): FieldError | undefined {
  if (typeof value === 'string') {
    return isStorableText(value) ? undefined : { field: join(path, fallback), message: UNSTORABLE_TEXT_RULE };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unacceptableInput(item, [...path, String(index)], fallback);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return { field: join([...path, key], fallback), message: `${key} is not accepted as a key` };
      }
      if (!isStorableText(key)) {
        return { field: join(path, fallback), message: `keys ${UNSTORABLE_TEXT_RULE}` };
      }
      const found = unacceptableInput(item, [...path, key], fallback);
      if (found) return found;
    }
  }
  return undefined;
}
