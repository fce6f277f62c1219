import type { EnvironmentConfigInput } from '../schema';
import { consumerDefaults, webhooksConsumerDefaults } from './shared';

/** A developer's playground: small, cheap, and destroyable with `cdk destroy`. */
export const dev: EnvironmentConfigInput = {
  name: 'dev',
  network: { cidr: '10.10.0.0/16', maxAzs: 2, natGateways: 0, flowLogRetentionDays: 14 },
  database: {
    instanceType: 't4g.micro',
    databaseName: 'rampay',
    port: 5433,
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 50,
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    performanceInsights: false,
    performanceInsightsRetentionDays: 7,
    rotationDays: 30,
  },
  removalPolicy: 'destroy',
  logRetentionDays: 14,
  logLevel: 'DEBUG',
  concurrency: { accountLimit: 1000, databaseBudget: 40 },
  lambda: {
    api: { memoryMb: 512, timeoutSeconds: 10 },
    scheduled: { memoryMb: 256, timeoutSeconds: 50 },
    migration: { memoryMb: 256, timeoutSeconds: 300 },
  },
  consumers: {
    fraud: { ...consumerDefaults, memoryMb: 1024, maxConcurrency: 2 },
    notifications: { ...consumerDefaults, maxConcurrency: 2 },
    analytics: { ...consumerDefaults, maxConcurrency: 2 },
    webhooks: { ...webhooksConsumerDefaults, maxConcurrency: 2 },
  },
  fraud: { thresholds: { review: 60, hold: 80, decline: 95 } },
  notifications: {
    senderIdentity: 'dev.rampay.example',
    fromAddress: 'no-reply@dev.rampay.example',
    fraudOpsAddress: 'fraud-ops@dev.rampay.example',
    configurationSetName: 'rampay-dev',
    // SES sandbox: mail only to the team's own inbox until production access is granted.
    sandboxRecipients: ['payments-team@dev.rampay.example'],
  },
  api: {
    throttle: { rateLimit: 50, burstLimit: 100 },
    cors: { allowOrigins: ['http://localhost:3000'] },
  },
  auth: { kind: 'cognito', resourceServerId: 'rampay', domainPrefix: 'rampay-dev' },
  cache: { maxDataStorageGiB: 1, maxEcpuPerSecond: 5000 },
  rateLimits: {
    defaults: {
      reads: { limit: 50, periodSeconds: 1 },
      writes: { limit: 20, periodSeconds: 1 },
      refunds: { limit: 5, periodSeconds: 1 },
      reviews: { limit: 5, periodSeconds: 1 },
    },
  },
  alarms: { emails: [] },
};
