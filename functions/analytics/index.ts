/**
 * The analytics service's public face: its read use cases, its composition and its pruning. Everything else in
 * functions/analytics/ is private to it (test/architecture/imports.test.ts checks that).
 */
export type { AnalyticsReader, RollupWriter } from './ports';
export type { Metric } from './schemas';
export { summarize } from './use-cases/summary';
export { timeseries } from './use-cases/timeseries';
export { analyticsReader, analyticsReaderOn, rollupWriter } from './composition';
export { pruneAnalyticsFacts } from './use-cases/prune-facts';
export { useLocalBusinessMetrics, type BusinessMetrics } from './metrics';
export type { MerchantSignal } from './rollup';
