import { sharedSql } from '../shared/db/connection';
import { PostgresAnalyticsReader, PostgresRollupWriter } from './adapters/postgres-analytics-store';
import type { AnalyticsReader } from './ports';

export const rollupWriter = new PostgresRollupWriter();

let reader: Promise<AnalyticsReader> | undefined;

/** The read side, built once per container on the shared database client. */
export function analyticsReader(): Promise<AnalyticsReader> {
  reader ??= sharedSql().then((sql) => new PostgresAnalyticsReader(sql));
  reader.catch(() => (reader = undefined));
  return reader;
}
