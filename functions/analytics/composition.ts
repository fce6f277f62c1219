/**
 * The analytics service's composition: the consumer (its rollup writer and business metrics, on the process's
 * shared database client and SNS publisher), and the read side built once per container on the shared database
 * client. The factories are marked pure, so a bundle leaves out those it does not use.
 */
import { lambdaComposition } from '../shared/consumer/dependencies';
import type { ConsumerComposition } from '../shared/consumer/runtime';
import type { Sql } from '../shared/db/client';
import { sharedSql } from '../shared/db/connection';
import { memo } from '../shared/memo';
import { PostgresAnalyticsReader, PostgresRollupWriter } from './adapters/postgres-analytics-store';
import type { AnalyticsConsumerDependencies } from './consumer';
import { createBusinessMetrics } from './metrics';
import type { AnalyticsReader } from './ports';

/** The consumer's writes (and housekeeping's pruning of the facts). */
export const rollupWriter = /* @__PURE__ */ new PostgresRollupWriter();

/** The consumer's dependencies: the rollup writer and the business metrics (EMF after each batch). */
const analyticsConsumerDependencies = /* @__PURE__ */ memo(
  async (): Promise<AnalyticsConsumerDependencies> => ({
    store: rollupWriter,
    metrics: createBusinessMetrics(),
    pending: new Map(),
  }),
);

export const analyticsConsumerComposition: ConsumerComposition<AnalyticsConsumerDependencies> =
  /* @__PURE__ */ lambdaComposition({ dependencies: analyticsConsumerDependencies });

/** The read side of the API's analytics functions. */
export const analyticsReader = /* @__PURE__ */ memo(
  async (): Promise<AnalyticsReader> => new PostgresAnalyticsReader(await sharedSql()),
);

/** The read side on a given database client (the local platform's dashboard). */
export function analyticsReaderOn(sql: Sql): AnalyticsReader {
  return new PostgresAnalyticsReader(sql);
}
