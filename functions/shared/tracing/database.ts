/**
 * A span for each database round trip: the client createSql returns is wrapped so that every statement, when it
 * is sent, runs as a child span named by its operation and first table or function ("select append_events",
 * "insert consumer_inbox"), and each transaction and savepoint as a span around its statements. The name comes
 * from the statement's text as the code wrote it, never from its parameters, which travel apart from it.
 *
 * postgres.js runs a query when it is first awaited, by calling the query's `handler` with it, and settles it
 * through its `resolve` and `reject`: those three are wrapped on each query, which test/functions/shared/tracing
 * checks against the installed postgres.js.
 */
import type postgres from 'postgres';
import { currentTraceContext, childSpan } from './tracer';

type Sql = postgres.Sql;
type AnySql = postgres.Sql | postgres.TransactionSql;

interface RunnableQuery {
  strings?: readonly string[];
  handler: ((query: RunnableQuery) => unknown) & { debug?: unknown };
  resolve: (value: unknown) => unknown;
  reject: (error: unknown) => unknown;
}

const MAX_SCANNED = 400;
const KEYWORD = /^\s*(?:--[^\n]*\n\s*)*([a-z]+)/i;
const TARGET =
  /\b(?:select\s+([a-z_][\w.]*)\s*\(|insert\s+into\s+([a-z_][\w.]*)|update\s+([a-z_][\w.]*)|delete\s+from\s+([a-z_][\w.]*)|from\s+([a-z_][\w.]*))/i;

/** "select append_events", "update outbox_pending", "select consumer_inbox"; the keyword alone without a table. */
export function statementName(text: string): { name: string; operation: string; target?: string } {
  const head = text.slice(0, MAX_SCANNED);
  const operation = (KEYWORD.exec(head)?.[1] ?? 'sql').toLowerCase();
  const match = TARGET.exec(head);
  const target = match
    ?.slice(1)
    .find((group) => group !== undefined)
    ?.toLowerCase();
  return { name: target ? `${operation} ${target}` : operation, operation, ...(target ? { target } : {}) };
}

function instrumentQuery<Q>(query: Q, text: string): Q {
  const q = query as unknown as RunnableQuery;
  if (!q || typeof q.handler !== 'function' || typeof q.resolve !== 'function') return query;
  const send = q.handler;
  const wrapped = (runnable: RunnableQuery) => {
    const { resolve, reject } = runnable;
    const { name, operation, target } = statementName(text);
    const attributes = {
      'db.system': 'postgresql',
      'db.operation': operation,
      ...(target ? { 'db.sql.table': target } : {}),
    };
    childSpan(
      `db ${name}`,
      'client',
      attributes,
      () =>
        new Promise((settled, failed) => {
          runnable.resolve = (value) => (settled(undefined), resolve(value));
          runnable.reject = (error) => (failed(error), reject(error));
          send(runnable);
        }),
    ).catch(() => undefined);
  };
  wrapped.debug = send.debug;
  q.handler = wrapped;
  return query;
}

/** Traces `sql`'s statements, transactions and savepoints; a client used where nothing is traced pays one check. */
export function tracedSql(sql: Sql): Sql {
  return instrument(sql) as Sql;
}

function instrument(sql: AnySql): AnySql {
  return new Proxy(sql, {
    apply(target, self, args: unknown[]) {
      const result = Reflect.apply(target as never, self, args);
      const strings = args[0] as { raw?: unknown } | undefined;
      // A tagged statement; sql(value) helpers (identifiers, lists) are not queries.
      if (!currentTraceContext() || !Array.isArray(strings) || !strings.raw) return result;
      return instrumentQuery(result, (strings as string[]).join('$'));
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'begin')
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: AnySql) => unknown;
          return childSpan('db transaction', 'client', { 'db.system': 'postgresql' }, () =>
            (value as (...a: unknown[]) => Promise<unknown>).call(target, ...args, (tx: AnySql) =>
              work(instrument(tx)),
            ),
          );
        };
      if (property === 'savepoint')
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: AnySql) => unknown;
          return childSpan('db savepoint', 'client', { 'db.system': 'postgresql' }, () =>
            (value as (...a: unknown[]) => Promise<unknown>).call(target, ...args, (tx: AnySql) =>
              work(instrument(tx)),
            ),
          );
        };
      if (property === 'unsafe')
        return (text: string, ...rest: unknown[]) => {
          const query = (value as (...a: unknown[]) => unknown).call(target, text, ...rest);
          return currentTraceContext() && typeof text === 'string' ? instrumentQuery(query, text) : query;
        };
      return value;
    },
  });
}
