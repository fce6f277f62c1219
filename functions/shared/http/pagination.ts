import * as z from 'zod';

/** `limit` of every list endpoint: 1 to 100 items a page. */
export function pageLimit(defaultSize = 20) {
  return z.coerce
    .number({ error: 'must be a number from 1 to 100' })
    .int({ error: 'must be a whole number from 1 to 100' })
    .min(1, { error: 'must be at least 1' })
    .max(100, { error: 'must be at most 100' })
    .default(defaultSize);
}

/** `starting_after`: the id of the last item of the previous page. */
export function cursorId(what: string) {
  return z.uuid({ error: `must be the id of a ${what} from a previous page` });
}

/** A page of a list endpoint's answer. */
export function listResource<T>(items: T[], hasMore: boolean) {
  return { object: 'list' as const, data: items, hasMore };
}
