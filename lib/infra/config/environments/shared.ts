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

/**
 * The webhooks queue: no batching window (a delivery should leave at once), a timeout above an attempt's 10 s
 * with room for the batch's database work; attempts of a batch run concurrently.
 */
export const webhooksConsumerDefaults: QueueSettings = {
  ...consumerDefaults,
  maxBatchingWindowSeconds: 0,
  consumerTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
};
