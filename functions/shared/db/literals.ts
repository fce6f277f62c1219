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
  /**
   * A jsonb literal of a JSON document whose every string is an identifier (letters, digits and `_ . : = + / -`,
   * at most 128: what RamPay's ids, event types, timestamps and correlation ids look like) and every number a safe
   * integer; otherwise, as a value may come from outside and need not fit, the document as a parameter (the
   * statement then takes two round trips). JSON.stringify of such a document has no quote but its own double
   * quotes and no backslash: nothing to escape, and nothing is.
   */
  jsonbOrParameter(sql: Queryable, value: JsonDocument) {
    return fitsLiteral(value) ? sql.unsafe(`'${JSON.stringify(value)}'::jsonb`) : sql.json(value as never);
  },
};

export type JsonDocument =
  string | number | boolean | null | JsonDocument[] | { [key: string]: JsonDocument };

const IDENTIFIER = /^[A-Za-z0-9_.:=+/-]{0,128}$/;

function fitsLiteral(value: JsonDocument): boolean {
  if (typeof value === 'string') return IDENTIFIER.test(value);
  if (typeof value === 'number') return Number.isSafeInteger(value);
  if (typeof value === 'boolean' || value === null) return true;
  if (Array.isArray(value)) return value.every(fitsLiteral);
  return Object.entries(value).every(([key, item]) => IDENTIFIER.test(key) && fitsLiteral(item));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
