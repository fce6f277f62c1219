import type { QueueSettings } from '../schema';

/** Queue settings most consumers share; environments override per consumer. */
export const consumerDefaults: QueueSettings = {
  maxReceiveCount: 5,
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  consumerTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
  maxConcurrency: 5,
  retentionDays: 4,
  memoryMb: 512,
};
