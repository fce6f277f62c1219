import type { Queryable } from './client';

/**
 * SQL literals of values whose shape is checked first, for the few statements that must be one round trip: with
 * prepare: false (RDS Proxy), postgres.js sends a statement with untyped parameters in two round trips (their
 * types first), one without parameters, or with typed ones (typed.ts), in one. Only for values the application
 * makes itself (ids, hashes, counters), never for what a client sends; a value of the wrong shape is an error,
 * never escaped.
 */
export const literal = {
  /** A text literal (null when absent) of a value matching `shape`, which must not admit quotes or backslashes. */
  text(sql: Queryable, value: string | null | undefined, shape: RegExp) {
    if (value === undefined || value === null) return sql.unsafe('null::text');
    if (!shape.test(value) || /['\\]/.test(value))
      throw new TypeError(`${value} does not have the expected shape`);
    return sql.unsafe(`'${value}'::text`);
  },
  bigint(sql: Queryable, value: number | null | undefined) {
    if (value === undefined || value === null) return sql.unsafe('null::bigint');
    if (!Number.isSafeInteger(value)) throw new TypeError(`${value} is not a safe integer`);
    return sql.unsafe(`${value}::bigint`);
  },
  uuidArray(sql: Queryable, values: readonly string[]) {
    for (const value of values) if (!UUID.test(value)) throw new TypeError(`${value} is not a UUID`);
    return sql.unsafe(`'{${values.join(',')}}'::uuid[]`);
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
