import { ForbiddenError, InvalidInputError } from '../../domain/errors';
import { clampInstant } from '../../shared/http/input/dates';
import { ALL_MERCHANTS, type MerchantScope } from '../ports';
import { EVERY_MERCHANT } from '../schemas';

export const ADMIN_SCOPE = 'analytics:admin';

/** Whose analytics the caller may read: its own, or (analytics:admin) any merchant's or every merchant's. */
export function merchantScope(
  caller: { merchantId: string; scopes: ReadonlySet<string> },
  requested: string | undefined,
): MerchantScope {
  if (requested === undefined || requested === caller.merchantId) return caller.merchantId;
  if (!caller.scopes.has(ADMIN_SCOPE)) {
    throw new ForbiddenError(
      `merchant: reading another merchant's analytics (or *) needs the ${ADMIN_SCOPE} scope`,
    );
  }
  return requested === EVERY_MERCHANT ? ALL_MERCHANTS : requested;
}

export function resolveRange(
  query: { from?: string; to?: string },
  now: Date,
  defaultMs: number,
): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : clampInstant(new Date(to.getTime() - defaultMs));
  if (from >= to) throw new InvalidInputError([{ field: 'query.from', message: 'must be before to' }]);
  return { from, to };
}
