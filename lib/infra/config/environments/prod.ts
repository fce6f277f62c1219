import type { EnvironmentConfigInput } from '../schema';
import { consumerDefaults, webhooksConsumerDefaults } from './shared';

/** Production: Multi-AZ, deletion protection, data retained when a stack goes, long log retention. */
export const prod: EnvironmentConfigInput = {
  name: 'prod',
  // Pinned, so synth (and cdk-nag in CI) sees the template that deploys: replace with the production account.
  // Its availability zones are in cdk.context.json.
  account: '111111111111',
  region: 'eu-west-1',
  network: { cidr: '10.30.0.0/16', maxAzs: 3, natGateways: 0, flowLogRetentionDays: 365 },
  database: {
    instanceType: 'r7g.large',
    databaseName: 'rampay',
    port: 5433,
    allocatedStorageGiB: 100,
    maxAllocatedStorageGiB: 1000,
    multiAz: true,
    backupRetentionDays: 35,
    deletionProtection: true,
    performanceInsights: true,
    performanceInsightsRetentionDays: 731,
    rotationDays: 30,
  },
  removalPolicy: 'retain',
  logRetentionDays: 365,
  logLevel: 'INFO',
  concurrency: { accountLimit: 1000, databaseBudget: 800 },
  lambda: {
    api: { memoryMb: 1024, timeoutSeconds: 10 },
    scheduled: { memoryMb: 512, timeoutSeconds: 50 },
    migration: { memoryMb: 512, timeoutSeconds: 600 },
  },
  consumers: {
    fraud: { ...consumerDefaults, memoryMb: 1769, maxConcurrency: 20, maxReceiveCount: 5 },
    // 1,000 payments/s keeps about 73 notification and 9 analytics executions busy (docs/capacity.md).
    notifications: { ...consumerDefaults, maxConcurrency: 80, maxReceiveCount: 8 },
    analytics: {
      ...consumerDefaults,
      batchSize: 100,
      maxBatchingWindowSeconds: 5,
      maxConcurrency: 20,
      retentionDays: 7,
    },
    webhooks: { ...webhooksConsumerDefaults, maxConcurrency: 50 },
  },
  fraud: { thresholds: { review: 65, hold: 85, decline: 97 } },
  notifications: {
    senderIdentity: 'rampay.example',
    fromAddress: 'no-reply@rampay.example',
    fraudOpsAddress: 'fraud-ops@rampay.example',
    configurationSetName: 'rampay-prod',
  },
  api: {
    throttle: { rateLimit: 1000, burstLimit: 2000 },
    cors: { allowOrigins: ['https://dashboard.rampay.example'] },
  },
  auth: { kind: 'cognito', resourceServerId: 'rampay', domainPrefix: 'rampay-prod' },
  cache: { maxDataStorageGiB: 10, maxEcpuPerSecond: 200000 },
  // A merchant's share of the stage-wide throttle: no single merchant can take more than a fifth of it.
  rateLimits: {
    defaults: {
      reads: { limit: 200, periodSeconds: 1 },
      writes: { limit: 100, periodSeconds: 1 },
      refunds: { limit: 20, periodSeconds: 1 },
      reviews: { limit: 20, periodSeconds: 1 },
    },
    // Per-merchant overrides, by merchant id, e.g. { merchant_big: { writes: { limit: 400, periodSeconds: 1 } } }.
    merchants: {},
  },
  alarms: {
    emails: ['platform-oncall@rampay.example', 'payments-leads@rampay.example'],
    thresholds: { api5xxRatePercent: 0.5, apiLatencyP99Ms: 800, rdsFreeStorageGiB: 20 },
  },
};
