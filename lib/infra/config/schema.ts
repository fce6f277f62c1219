/**
 * The typed per-environment configuration. Every environment file is checked against this schema before any
 * construct is built, so a wrong value fails `cdk synth` with a message naming the field, never a half-built app.
 */
import { z } from 'zod';
import { CONSUMER_NAMES, type ConsumerName } from '../../../functions/shared/events/topology';
import { rateLimitSettingsSchema } from '../../../functions/shared/http/rate-limit-settings';

// CloudWatch Logs accepts only these retention periods (days).
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const retentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
  });

const memoryMb = z.number().int().min(128).max(10240);

/** The settings the event-consumer construct needs for one consumer's queue, DLQ and event source mapping. */
export const queueSettingsSchema = z
  .object({
    /** Receives before a message moves to the DLQ. */
    maxReceiveCount: z.number().int().min(1).max(1000),
    /** Records per Lambda invocation (SQS allows 1-10 without a batching window, up to 10000 with one). */
    batchSize: z.number().int().min(1).max(10000),
    /** How long the event source mapping gathers records before it invokes (0-300 s). */
    maxBatchingWindowSeconds: z.number().int().min(0).max(300),
    /** The consumer function's timeout. */
    consumerTimeoutSeconds: z.number().int().min(1).max(900),
    /** Queue visibility timeout: AWS recommends at least 6x the function timeout so retries never overlap. */
    visibilityTimeoutSeconds: z.number().int().min(0).max(43200),
    /** Maximum concurrent invocations the event source mapping may start (2-1000). */
    maxConcurrency: z.number().int().min(2).max(1000),
    /** How long a message may wait in the queue, and in the DLQ (the DLQ keeps it 14 days regardless). */
    retentionDays: z.number().int().min(1).max(14),
    /** Memory of the consumer function. */
    memoryMb,
  })
  .superRefine((q, ctx) => {
    if (q.visibilityTimeoutSeconds < 6 * q.consumerTimeoutSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['visibilityTimeoutSeconds'],
        message: `must be at least 6x consumerTimeoutSeconds (${6 * q.consumerTimeoutSeconds} s), got ${q.visibilityTimeoutSeconds} s`,
      });
    }
    if (q.batchSize > 10 && q.maxBatchingWindowSeconds === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['batchSize'],
        message: 'a batchSize above 10 needs maxBatchingWindowSeconds of at least 1',
      });
    }
  });
export type QueueSettings = z.infer<typeof queueSettingsSchema>;

const functionSizing = z.object({
  memoryMb,
  timeoutSeconds: z.number().int().min(1).max(900),
});

const cognitoAuth = z.object({
  kind: z.literal('cognito'),
  /** The resource server identifier; Cognito prefixes every scope with it ("rampay/payments:read"). */
  resourceServerId: z.string().regex(/^[\w.:/-]{1,256}$/),
  /**
   * The token endpoint's hosted domain prefix; the account id is appended (`<prefix>-<account>`), since prefixes
   * are global within a region.
   */
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'lower-case letters, digits and -, at most 50'),
  /** App clients created outside CDK (one per merchant back end) whose tokens the API accepts. */
  extraClientIds: z.array(z.string().regex(/^[a-z0-9]{1,128}$/)).default([]),
});
const externalAuth = z.object({
  kind: z.literal('external'),
  /** The OIDC issuer URL (https). */
  issuer: z.url({ protocol: /^https$/ }),
  audience: z.array(z.string().min(1)).min(1),
  /** What the issuer puts in front of RamPay's scope names ('' when it emits them as they are). */
  scopePrefix: z.string().default(''),
});

const thresholds = z
  .object({
    review: z.number().int().min(0).max(99),
    hold: z.number().int().min(0).max(99),
    decline: z.number().int().min(0).max(99),
  })
  .refine((t) => t.review < t.hold && t.hold < t.decline, {
    message: 'fraud thresholds must rise strictly: review < hold < decline',
  });

export const environmentConfigSchema = z
  .object({
    /** Short environment name; becomes part of every stack name (RamPay-<name>-<part>). */
    name: z.string().regex(/^[a-z][a-z0-9]{1,11}$/, 'lower-case letters and digits, 2-12 characters'),
    /** Target account and region. Unset: taken from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION at synth time. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as eu-west-1')
      .optional(),
    network: z
      .object({
        cidr: z
          .string()
          .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, 'an IPv4 CIDR between /16 and /24'),
        maxAzs: z.number().int().min(2).max(3),
        /**
         * 0: no internet route at all (isolated subnets, VPC endpoints only). More: public subnets with NAT
         * gateways, for a platform that must call third parties.
         */
        natGateways: z.number().int().min(0).max(3),
        flowLogRetentionDays: retentionDays,
      })
      .refine((n) => n.natGateways <= n.maxAzs, { message: 'natGateways cannot exceed maxAzs' }),
    database: z.object({
      /** An RDS instance type without the "db." prefix, e.g. t4g.micro, r7g.large. */
      instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an instance type such as t4g.micro'),
      databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
      /** Not 5432: the default port is the first one scanners try (cdk-nag RDS11). */
      port: z.number().int().min(1150).max(65535),
      allocatedStorageGiB: z.number().int().min(20).max(65536),
      maxAllocatedStorageGiB: z.number().int().min(20).max(65536),
      multiAz: z.boolean(),
      backupRetentionDays: z.number().int().min(1).max(35),
      deletionProtection: z.boolean(),
      /** Performance Insights (not offered on the smallest burstable classes). */
      performanceInsights: z.boolean(),
      /** 7 (free tier), a multiple of 31 up to 713, or 731. */
      performanceInsightsRetentionDays: z
        .number()
        .int()
        .refine((d) => d === 7 || d === 731 || (d % 31 === 0 && d >= 31 && d <= 713), {
          message: 'Performance Insights keeps data 7 days, a multiple of 31 days up to 713, or 731',
        }),
      /** Secret rotation period for the database credentials. */
      rotationDays: z.number().int().min(1).max(365),
    }),
    /** What happens to data (database, log groups, keys) when its stack is deleted. */
    removalPolicy: z.enum(['destroy', 'snapshot', 'retain']),
    logRetentionDays: retentionDays,
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    /** How much runs at once (concurrency.ts derives every function's share). */
    concurrency: z.object({
      /**
       * The account's concurrent executions in the region: 1,000 by default. Raise it with a Service Quotas request
       * (Lambda, "Concurrent executions") before raising the budget past what it leaves.
       */
      accountLimit: z.number().int().min(100),
      /**
       * Executions that may hold a database connection at once: what RDS Proxy and the instance can serve. Each
       * holds up to DB_POOL_MAX (2) client connections to the proxy, which multiplexes them onto at most 90% of
       * the instance's max_connections.
       */
      databaseBudget: z.number().int().min(1),
    }),
    lambda: z.object({
      api: functionSizing,
      scheduled: functionSizing,
      migration: functionSizing,
    }),
    /** Queue and event source mapping settings, per consumer of the event topology. */
    consumers: z.object(
      Object.fromEntries(CONSUMER_NAMES.map((name) => [name, queueSettingsSchema])) as Record<
        ConsumerName,
        typeof queueSettingsSchema
      >,
    ),
    fraud: z.object({
      thresholds,
      /** The active model's version (FRAUD_MODEL); unset: the only fraud-<version>.json in models/. */
      model: z
        .string()
        .regex(/^[\w-]+$/)
        .optional(),
      /** A candidate scored and logged beside the active one, never acting (FRAUD_SHADOW_MODEL). */
      shadowModel: z
        .string()
        .regex(/^[\w-]+$/)
        .optional(),
      /**
       * The daily drift measurement (FraudDrift, FRAUD_DRIFT) and its alarms: yesterday's risk scores and features
       * against the active model's training window, as population stability indexes (PSI).
       */
      drift: z
        .object({
          /** Alarm when the score's PSI, or the highest feature PSI, reaches this (0.2: a significant shift). */
          psiAlarm: z.number().positive().max(10),
          /** A day with fewer of the model's assessments is not measured (too few for a PSI to mean anything). */
          minimumAssessments: z.number().int().min(1),
          /** A day with more is measured on an even sample of about this many. */
          sampleSize: z.number().int().min(1000),
        })
        .default({ psiAlarm: 0.2, minimumAssessments: 500, sampleSize: 200_000 }),
    }),
    notifications: z.object({
      /** The SES identity mail is sent from: a verified domain (example.com) or address (ops@example.com). */
      senderIdentity: z
        .string()
        .regex(/^([^@\s]+@)?[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain or an e-mail address'),
      fromAddress: z.email(),
      /** Where AnomalyDetected alerts go. */
      fraudOpsAddress: z.email(),
      configurationSetName: z.string().regex(/^[\w-]{1,64}$/),
      /**
       * While the SES account is in the sandbox: the addresses mail may go to. Each becomes an SES identity (it
       * gets a verification mail); mail to anyone else is suppressed, not sent. Unset once production access is
       * granted.
       */
      sandboxRecipients: z.array(z.email()).optional(),
      /** Alphanumeric SMS sender id, where the destination country supports one. */
      smsSenderId: z
        .string()
        .regex(/^[A-Za-z0-9]{1,11}$/)
        .optional(),
    }),
    api: z.object({
      throttle: z.object({
        rateLimit: z.number().positive(),
        burstLimit: z.number().int().positive(),
      }),
      cors: z.object({
        allowOrigins: z.array(z.union([z.url(), z.literal('*')])),
      }),
    }),
    auth: z.discriminatedUnion('kind', [cognitoAuth, externalAuth]),
    /** ElastiCache Serverless for Valkey (lib/infra/constructs/valkey-cache.ts): the ceilings it may scale to. */
    cache: z
      .object({
        maxDataStorageGiB: z.number().int().min(1).max(5000),
        /** ElastiCache Processing Units per second. */
        maxEcpuPerSecond: z.number().int().min(1000).max(15_000_000),
      })
      .default({ maxDataStorageGiB: 1, maxEcpuPerSecond: 5000 }),
    /**
     * Each merchant's budget per class of route, and per-merchant overrides (docs/rate-limits.md); the API
     * functions get it as RATE_LIMITS.
     */
    rateLimits: rateLimitSettingsSchema,
    /**
     * Amazon Managed Grafana: a workspace of the environment's own, with the CloudWatch data source (through the
     * workspace's IAM role) and RamPay's dashboards (grafana/dashboards) provisioned on every deploy. Off by
     * default: a workspace is billed per active user.
     */
    grafana: z
      .object({
        enabled: z.boolean(),
        /** How people sign in: IAM Identity Center (AWS_SSO) and/or a SAML identity provider set up afterwards. */
        authenticationProviders: z
          .array(z.enum(['AWS_SSO', 'SAML']))
          .min(1)
          .default(['AWS_SSO']),
      })
      .default({ enabled: false, authenticationProviders: ['AWS_SSO'] }),
    alarms: z.object({
      /** Addresses subscribed to the alarm topic (each confirms by e-mail once). */
      emails: z.array(z.email()),
      /** Overrides of the operations alarms' thresholds (lib/infra/constructs/operations-dashboard.ts has the defaults). */
      thresholds: z
        .object({
          queueOldestMessageAgeSeconds: z.number().int().positive(),
          functionErrorRatePercent: z.number().positive().max(100),
          api5xxRatePercent: z.number().positive().max(100),
          apiLatencyP99Ms: z.number().int().positive(),
          rdsCpuPercent: z.number().positive().max(100),
          rdsFreeStorageGiB: z.number().positive(),
          outboxOldestPendingSeconds: z.number().int().positive(),
          fraudRateBandStdDevs: z.number().positive(),
          evaluationPeriods: z.number().int().min(1),
        })
        .partial()
        .default({}),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.name === 'prod' && (!c.account || !c.region)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.account ? 'region' : 'account'],
        message:
          'prod deploys to one account and region: pin both (account, region), so that synth checks the template that deploys',
      });
    }
    if (c.database.maxAllocatedStorageGiB < c.database.allocatedStorageGiB) {
      ctx.addIssue({
        code: 'custom',
        path: ['database', 'maxAllocatedStorageGiB'],
        message: 'must be at least allocatedStorageGiB',
      });
    }
    if (c.database.port === 5432) {
      ctx.addIssue({ code: 'custom', path: ['database', 'port'], message: 'use a non-default port' });
    }
    if (c.removalPolicy === 'destroy' && c.database.deletionProtection) {
      ctx.addIssue({
        code: 'custom',
        path: ['removalPolicy'],
        message: "'destroy' contradicts database.deletionProtection: the stack could never be deleted",
      });
    }
  });

export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;
