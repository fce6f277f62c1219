/**
 * The analytics service's public face: what other services and programs may use. Everything else in
 * functions/analytics/ is private to it (checked by test/architecture/imports.test.ts).
 */
export type { AnalyticsReader } from './ports';
export { analyticsReaderOn } from './composition';
export { pruneAnalyticsFacts } from './use-cases/prune-facts';
export { summarize } from './use-cases/summary';
export { timeseries } from './use-cases/timeseries';
export type { Metric } from './schemas';
