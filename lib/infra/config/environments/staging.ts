import type { EnvironmentConfigInput } from '../schema';
import { consumerDefaults, webhooksConsumerDefaults } from './shared';

/** Production-shaped, smaller: the place to rehearse a release and its migrations. */
export const staging: EnvironmentConfigInput = {
  name: 'staging',
  network: { cidr: '10.20.0.0/16', maxAzs: 2, natGateways: 0, flowLogRetentionDays: 30 },
  database: {
    instanceType: 't4g.medium',
    databaseName: 'rampay',
    port: 5433,
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 100,
    multiAz: false,
    backupRetentionDays: 7,
    deletionProtection: true,
    performanceInsights: true,
    performanceInsightsRetentionDays: 7,
    rotationDays: 30,
  },
  removalPolicy: 'snapshot',
  logRetentionDays: 30,
  logLevel: 'INFO',
  concurrency: { accountLimit: 1000, databaseBudget: 120 },
  lambda: {
    api: { memoryMb: 1024, timeoutSeconds: 10 },
    scheduled: { memoryMb: 256, timeoutSeconds: 50 },
    migration: { memoryMb: 256, timeoutSeconds: 300 },
  },
  consumers: {
    fraud: { ...consumerDefaults, memoryMb: 1769 },
    notifications: { ...consumerDefaults },
    analytics: { ...consumerDefaults, batchSize: 50, maxBatchingWindowSeconds: 5 },
    webhooks: { ...webhooksConsumerDefaults, maxConcurrency: 5 },
  },
  fraud: { thresholds: { review: 60, hold: 80, decline: 95 } },
  notifications: {
    senderIdentity: 'staging.rampay.example',
    fromAddress: 'no-reply@staging.rampay.example',
    fraudOpsAddress: 'fraud-ops@staging.rampay.example',
    configurationSetName: 'rampay-staging',
    // SES sandbox: mail only to the team's own inbox until production access is granted.
    sandboxRecipients: ['payments-team@staging.rampay.example'],
  },
  api: {
    throttle: { rateLimit: 200, burstLimit: 400 },
    cors: { allowOrigins: ['https://dashboard.staging.rampay.example'] },
  },
  auth: { kind: 'cognito', resourceServerId: 'rampay', domainPrefix: 'rampay-staging' },
  cache: { maxDataStorageGiB: 2, maxEcpuPerSecond: 20000 },
  rateLimits: {
    defaults: {
      reads: { limit: 100, periodSeconds: 1 },
      writes: { limit: 50, periodSeconds: 1 },
      refunds: { limit: 10, periodSeconds: 1 },
      reviews: { limit: 10, periodSeconds: 1 },
    },
  },
  alarms: { emails: ['platform-oncall@rampay.example'] },
};
