import type { Queryable } from './client';

/** PostgreSQL type OIDs of the parameters hot statements send. */
const OID = { integer: 23, bigint: 20, text: 25 } as const;

/**
 * Parameters with their PostgreSQL type given, for the statements on a hot path. With prepare: false (RDS
 * Proxy), postgres.js asks the server for the parameter types of a statement in a round trip of its own before
 * running it, unless it knows every one of them already (patches/postgres+*.patch): a statement whose
 * parameters are all typed here or JSON (`sql.json`, jsonb) takes one round trip.
 */
export const typed = {
  integer: (sql: Queryable, value: number | null) => sql.typed(value, OID.integer),
  bigint: (sql: Queryable, value: number | null) => sql.typed(value, OID.bigint),
  text: (sql: Queryable, value: string | null) => sql.typed(value, OID.text),
};
