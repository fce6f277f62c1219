/**
 * The housekeeping service's public face: what programs may use (the local platform prunes on a timer, as the
 * scheduled function does on AWS).
 */
export { pruneExpired, RETENTION_DAYS, type PruneOutcome } from './use-cases/prune-expired';
