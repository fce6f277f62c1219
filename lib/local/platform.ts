import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openApiDocument } from '../../functions/api/openapi';
import { createSql, type Sql } from '../../functions/shared/db/client';
import { useSharedSql } from '../../functions/shared/db/connection';
import { migrate } from '../../functions/shared/db/migrate';
import {
  embeddedEngine,
  EMBEDDED_POOL_SIZE,
  startEmbeddedDatabase,
  type EmbeddedEngine,
  type EmbeddedPostgres,
} from './embedded-postgres';
import { startHttpServer, type LocalRoute } from './http-server';
import { LocalJwtIssuer } from './jwt-issuer';
import type { LocalTraceStore } from './traces';
import { startLocalMetrics } from './prometheus';
import { startLocalMessaging, type LocalMessaging, type LocalSqsHandler } from './messaging';
import { useSharedPublisher } from '../../functions/shared/outbox/publisher';
import { relayPending } from '../../functions/shared/outbox/use-cases/publish-committed';
import { pruneExpired } from '../../functions/housekeeping';
import { CONSUMER_NAMES, type ConsumerName } from '../../functions/shared/events/topology';
import { logger } from '../../functions/shared/logger';
import { errorFacts } from '../../functions/shared/error-facts';
import { closeSharedCache } from '../../functions/shared/cache/connection';
import { watchRequests, type AccessEntry } from './access-log';
import { timedStep, type StartStep } from './start-progress';

export interface PlatformOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Where the embedded database, the signing key and the mail sink live. */
  dataDir?: string;
  /** A PostgreSQL server to use instead of the embedded one. */
  databaseUrl?: string;
  /** Keep the embedded database in memory or a temporary folder (tests). */
  ephemeral?: boolean;
  /** Which embedded database (default: RAMPAY_EMBEDDED_DB, else the default engine). */
  embeddedEngine?: EmbeddedEngine;
  /** Long-poll wait of the local queue pollers (tests shorten it so that stop() is quick). */
  pollWaitSeconds?: number;
  /** Told as each start-up step begins and ends (`npm start` shows it). */
  onProgress?: (step: StartStep) => void;
  /** Told of every request answered, once its response is sent (`npm start`'s access lines). */
  onRequest?: (entry: AccessEntry) => void;
}

export interface Platform {
  url: string;
  /** Where the embedded database, the signing key and the mail sink live. */
  dataDir: string;
  databaseUrl: string;
  sql: Sql;
  issuer: LocalJwtIssuer;
  messaging: LocalMessaging;
  /** The spans recorded in process, by trace. */
  traces: LocalTraceStore;
  /** The consumers being polled. */
  consumers: ConsumerName[];
  stop(): Promise<void>;
}

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_DATA_DIR = process.env.RAMPAY_DATA_DIR ?? path.join(REPOSITORY_ROOT, '.rampay');

/** RamPay on one machine: the same handlers as on AWS, with local stand-ins for the managed services. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const step = timedStep(options.onProgress);
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    await mkdir(dataDir, { recursive: true });
    const engine = options.embeddedEngine ?? embeddedEngine();
    const pgdata = path.join(dataDir, engine === 'pglite' ? 'pgdata' : 'pgserver');
    const label = engine === 'pglite' ? 'embedded PostgreSQL (PGlite)' : 'embedded PostgreSQL server';
    embedded = await step('database', `${label}${options.ephemeral ? ' (temporary)' : ` in ${pgdata}`}`, () =>
      startEmbeddedDatabase(engine, options.ephemeral ? {} : { dataDir: pgdata }),
    );
    databaseUrl = embedded.url;
  }
  const sql = createSql({ url: databaseUrl, max: embedded ? (embedded.poolSize ?? EMBEDDED_POOL_SIZE) : 10 });
  await step(
    'migrations',
    'migrations',
    () => migrate(sql),
    (result) => `${result.applied.length} applied, ${result.alreadyApplied} already there`,
  );
  // Spans recorded in process, a payment's trace at /local/traces/timeline?payment=<id> (lib/local/traces.ts).
  const tracing = (await import('./traces')).startLocalTracing({ sql });
  useSharedSql(sql);

  // Local SNS/SQS with the topology's topics, filters, queues and DLQs; the outbox publishes to it.
  const { useLocalWebhooks, WEBHOOK_POLLERS } = await import('./webhooks');
  const messaging = await step(
    'queues',
    'local SNS/SQS topics and queues',
    () =>
      startLocalMessaging({
        waitTimeSeconds: options.pollWaitSeconds ?? 2,
        pollers: { webhooks: WEBHOOK_POLLERS },
      }),
    (started) =>
      `${Object.keys(started.topicArns).length} topics, ${Object.keys(started.queues).length} queues and their DLQs`,
  );
  useSharedPublisher(messaging.publisher);
  // Webhook secrets sealed with <dataDir>/webhooks.key, delivery messages on the local queue, the sweep on a timer.
  const webhooks = useLocalWebhooks(dataDir, messaging);
  // Notifications go to the mail sink (<dataDir>/outbox/, GET /local/notifications) instead of SES and SNS SMS.
  const { useLocalMailSink, mailSinkRoute } = await import('./mail-sink');
  const mailSink = useLocalMailSink(dataDir);
  const consumers = await step(
    'consumers',
    'consumers (the fraud model loads here)',
    loadConsumers,
    (loaded) => [...loaded.keys()].join(', ') || 'none',
  );
  for (const [name, handler] of consumers) messaging.consume(name, handler);
  const relay = setInterval(() => {
    relayPending(sql, messaging.publisher).catch((error: unknown) =>
      logger.warn('local outbox relay failed', errorFacts(error)),
    );
  }, RELAY_INTERVAL_MS);
  const housekeeping = setInterval(() => {
    pruneExpired(sql, new Date()).catch((error: unknown) =>
      logger.warn('local housekeeping failed', errorFacts(error)),
    );
  }, HOUSEKEEPING_INTERVAL_MS);
  const stopAll = async () => {
    clearInterval(relay);
    clearInterval(housekeeping);
    // The pollers first: a delivery still in flight needs the webhooks settings until its poller stops.
    await messaging.stop();
    webhooks.stop();
    useSharedPublisher(undefined);
    await closeSharedCache();
    await sql.end({ timeout: 5 });
    await embedded?.stop();
    tracing.stop();
  };

  const issuer = await LocalJwtIssuer.open(dataDir);
  // GET /metrics: Prometheus text format.
  const metrics = startLocalMetrics({ sql, messaging });
  const localRoutes: LocalRoute[] = [
    metrics.route,
    { method: 'GET', path: '/openapi.json', serve: async () => ({ status: 200, body: openApiDocument() }) },
    mailSinkRoute(mailSink, sql),
    {
      method: 'GET',
      path: '/local/queues',
      serve: async () => ({ status: 200, body: await messaging.describe() }),
    },
    // Why each event in a DLQ failed, for `npm run dlq -- peek`.
    (await import('./consumer-failures')).consumerFailuresRoute(sql),
    // The local analytics figures (GET /local/analytics).
    ...(await import('./dashboard')).dashboardRoutes({ sql }),
    ...tracing.routes,
    // The console at /, its config, and the API reference at /docs.
    ...(await (await import('./console')).consoleRoutes()),
  ];
  let started: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    started = await step('http', 'HTTP API and its handlers', () =>
      startHttpServer({ port: options.port ?? 3000, issuer, localRoutes }),
    );
  } catch (error) {
    metrics.stop();
    await stopAll();
    throw error;
  }
  const { server, url } = started;
  if (options.onRequest) watchRequests(server, options.onRequest);
  metrics.observe(server);

  return {
    url,
    dataDir,
    databaseUrl,
    sql,
    issuer,
    messaging,
    traces: tracing.store,
    consumers: [...consumers.keys()],
    async stop() {
      await closeServer(server);
      metrics.stop();
      await stopAll();
    },
  };
}

/** The outbox relay runs every minute on AWS; locally a little more often. */
const RELAY_INTERVAL_MS = 10_000;
/** Housekeeping runs daily on AWS; a local platform may not live a day. */
const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Each service's consumer lives at functions/<consumer>/handlers/consumer.ts (as the CDK services stack expects);
 * the platform runs those that exist, as Lambda's event source mappings would.
 */
async function loadConsumers(): Promise<Map<ConsumerName, LocalSqsHandler>> {
  const loaded = new Map<ConsumerName, LocalSqsHandler>();
  for (const name of CONSUMER_NAMES) {
    const entry = path.join(REPOSITORY_ROOT, 'functions', name, 'handlers', 'consumer.ts');
    if (!existsSync(entry)) continue;
    const module = (await import(entry)) as { handler: LocalSqsHandler };
    loaded.set(name, module.handler);
  }
  return loaded;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
