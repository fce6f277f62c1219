/**
 * The fraud service's public face: its review use cases and their composition, its implementation of payments'
 * FraudAssessments port, and its pruning. Everything else in functions/fraud/ is private to it
 * (test/architecture/imports.test.ts checks that). The consumer's scoring is ./consumer.ts and ./consumer-composition.ts,
 * which its handler loads.
 */
export type { FraudReadStore, FraudUnitOfWork, FraudWriteSession, ReviewDecision } from './ports';
export {
  decideReview,
  decideReviewAsOperator,
  listOperatorReviews,
  listReviews,
  type DecideReviewCommand,
  type ReviewDeps,
} from './use-cases/reviews';
export { reportFraud, type FraudReport } from './use-cases/report-fraud';
export { fraudAssessments, fraudReportDeps, reviewDeps, reviewReads } from './composition';
export { pruneExpiredFeatures } from './use-cases/prune-feature-store';
export { bundledFxRates, parseFxRates, quoteFor, type FxQuote, type FxRates } from './fx-rates';
