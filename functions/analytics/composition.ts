/**
 * The analytics service's composition: the consumer's rollup writer, and the read side built once per container
 * on the shared database client. The factories are marked pure, so a bundle leaves out those it does not use.
 */
import type { Sql } from '../shared/db/client';
import { sharedSql } from '../shared/db/connection';
import { memo } from '../shared/memo';
import { PostgresAnalyticsReader, PostgresRollupWriter } from './adapters/postgres-analytics-store';
import type { AnalyticsReader } from './ports';

/** The consumer's writes (and housekeeping's pruning of the facts). */
export const rollupWriter = /* @__PURE__ */ new PostgresRollupWriter();

/** The read side of the API's analytics functions. */
export const analyticsReader = /* @__PURE__ */ memo(
  async (): Promise<AnalyticsReader> => new PostgresAnalyticsReader(await sharedSql()),
);

/** The read side on a given database client (the local platform's dashboard). */
export function analyticsReaderOn(sql: Sql): AnalyticsReader {
  return new PostgresAnalyticsReader(sql);
}
