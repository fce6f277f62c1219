/**
 * The housekeeping service's public face: the pruning its scheduled function runs daily (and the local platform
 * on a timer). Everything else in functions/housekeeping/ is private to it.
 */
export { pruneExpired, RETENTION_DAYS, type PruneOutcome } from './use-cases/prune-expired';
