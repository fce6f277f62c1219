import postgres from 'postgres';
import { tracedSql } from '../tracing/database';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
/** Either the pool or an open transaction: what a repository method runs its statements on. */
export type Queryable = Sql | TransactionSql;

export interface DatabaseSettings {
  /** A postgres:// URL, or the parts below. */
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  username?: string;
  /**
   * A fixed password, or a function postgres.js calls for every new connection (an IAM auth token for RDS
   * Proxy: each connection gets a fresh one, so a 15-minute token never outlives its use).
   */
  password?: string | (() => Promise<string>);
  /** Pool size. Lambda containers serve one request at a time, so a couple of connections is plenty. */
  max?: number;
  /**
   * TLS: `verify-full` checks the server's certificate and host name (against `ca` when given, else the system's
   * roots); `require` encrypts without checking; `false` for local servers.
   */
  ssl?: false | 'require' | 'verify-full';
  /** The certificate authorities a `verify-full` server's certificate must chain to (PEM). */
  ca?: readonly string[];
}

/** The pool settings every way of connecting shares: DB_POOL_MAX (default 2) and DB_SSL (`require`, `verify-full`). */
export function poolSettings(env: NodeJS.ProcessEnv): Pick<DatabaseSettings, 'max' | 'ssl'> {
  const max = env.DB_POOL_MAX ? Number(env.DB_POOL_MAX) : 2;
  const ssl = env.DB_SSL === 'require' || env.DB_SSL === 'verify-full' ? env.DB_SSL : false;
  return { max, ssl };
}

/**
 * int8 columns (money, counters) come back as JS numbers. Every amount RamPay stores is at most 10^11 minor
 * units, far inside Number's safe range; anything outside it is a bug we want to hear about, not a rounding.
 */
export const int8AsNumber = {
  to: 20,
  from: [20],
  serialize: (value: number | bigint) => String(value),
  parse: (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n))
      throw new RangeError(`int8 value ${value} is outside the safe integer range`);
    return n;
  },
};

export function createSql(settings: DatabaseSettings): Sql {
  const { url, host, port, database, username, password } = settings;
  const options = {
    // RDS Proxy pins a session for every prepared statement: keep them off.
    prepare: false,
    max: settings.max ?? 2,
    ssl: settings.ssl === 'verify-full' && settings.ca ? { ca: [...settings.ca] } : (settings.ssl ?? false),
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => undefined,
    types: { int8: int8AsNumber },
    connection: { application_name: 'rampay' },
  };
  // A span for each round trip of a traced request or message (functions/shared/tracing/database.ts).
  return tracedSql(
    url ? postgres(url, options) : postgres({ ...options, host, port, database, username, password }),
  );
}

/**
 * A FROM item that turns off the WAL-flush wait for the statement's own (implicit) transaction:
 * `update t set ... from ${asyncCommit(sql)} where ...`. The async_commit() function (sql/async-commit.sql) sets
 * synchronous_commit for that transaction only, and PostgreSQL reads it at commit, so one round trip does it all.
 * Visibility to other sessions is unchanged; only durability is relaxed. Only for bookkeeping whose loss in a
 * database crash is harmless because something else backs it up; never for money or state changes.
 */
export function asyncCommit(sql: Queryable) {
  return sql`(select async_commit()) as async_commit`;
}
