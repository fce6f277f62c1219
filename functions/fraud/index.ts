/**
 * The fraud service's public face: what other services and programs may use. Everything else in
 * functions/fraud/ is private to it (checked by test/architecture/imports.test.ts).
 */
export { fraudAssessments } from './composition';
export { pruneExpiredFeatures } from './use-cases/prune-feature-store';
