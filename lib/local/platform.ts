import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openApiDocument } from '../../functions/api/openapi';
import { createSql, type Sql } from '../../functions/shared/db/client';
import { useSharedSql } from '../../functions/shared/db/connection';
import { migrate } from '../../functions/shared/db/migrate';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { startHttpServer, type LocalRoute } from './http-server';
import { LocalJwtIssuer } from './jwt-issuer';
import { startLocalMetrics } from './prometheus';
import { startLocalMessaging, type LocalMessaging, type LocalSqsHandler } from './messaging';
import { useSharedPublisher } from '../../functions/shared/outbox/publisher';
import { relayPending } from '../../functions/shared/outbox/use-cases/publish-committed';
import { pruneExpired } from '../../functions/housekeeping';
import { CONSUMER_NAMES, type ConsumerName } from '../../functions/shared/events/topology';
import { logger } from '../../functions/shared/logger';
import { errorFacts } from '../../functions/shared/error-facts';

export interface PlatformOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Where the embedded database, the signing key and the mail sink live. */
  dataDir?: string;
  /** A PostgreSQL server to use instead of the embedded one. */
  databaseUrl?: string;
  /** Keep the embedded database in memory (tests). */
  ephemeral?: boolean;
  /** Long-poll wait of the local queue pollers (tests shorten it so that stop() is quick). */
  pollWaitSeconds?: number;
}

export interface Platform {
  url: string;
  /** Where the embedded database, the signing key and the mail sink live. */
  dataDir: string;
  databaseUrl: string;
  sql: Sql;
  issuer: LocalJwtIssuer;
  messaging: LocalMessaging;
  /** The consumers being polled. */
  consumers: ConsumerName[];
  stop(): Promise<void>;
}

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_DATA_DIR = process.env.RAMPAY_DATA_DIR ?? path.join(REPOSITORY_ROOT, '.rampay');

/** RamPay on one machine: the same handlers as on AWS, with local stand-ins for the managed services. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    await mkdir(dataDir, { recursive: true });
    embedded = await startEmbeddedPostgres(
      options.ephemeral ? {} : { dataDir: path.join(dataDir, 'pgdata') },
    );
    databaseUrl = embedded.url;
  }
  const sql = createSql({ url: databaseUrl, max: embedded ? EMBEDDED_POOL_SIZE : 10 });
  await migrate(sql);
  useSharedSql(sql);

  // Local SNS/SQS with the topology's topics, filters, queues and DLQs; the outbox publishes to it.
  const messaging = await startLocalMessaging({ waitTimeSeconds: options.pollWaitSeconds ?? 2 });
  useSharedPublisher(messaging.publisher);
  // Notifications go to the mail sink (<dataDir>/outbox/, GET /local/notifications) instead of SES and SNS SMS.
  const mailSink = (await import('./mail-sink')).useLocalMailSink(dataDir);
  const consumers = await loadConsumers();
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

  const issuer = await LocalJwtIssuer.open(dataDir);
  // GET /metrics: Prometheus text format.
  const metrics = startLocalMetrics({ sql, messaging });
  const localRoutes: LocalRoute[] = [
    metrics.route,
    { method: 'GET', path: '/openapi.json', serve: async () => ({ status: 200, body: openApiDocument() }) },
    mailSink.route,
    {
      method: 'GET',
      path: '/local/queues',
      serve: async () => ({ status: 200, body: await messaging.describe() }),
    },
    // The dashboard page at / and its data.
    ...(await import('./dashboard')).dashboardRoutes({ sql }),
  ];
  const { server, url } = await startHttpServer({ port: options.port ?? 3000, issuer, localRoutes });
  metrics.observe(server);

  return {
    url,
    dataDir,
    databaseUrl,
    sql,
    issuer,
    messaging,
    consumers: [...consumers.keys()],
    async stop() {
      clearInterval(relay);
      clearInterval(housekeeping);
      await closeServer(server);
      metrics.stop();
      await messaging.stop();
      useSharedPublisher(undefined);
      await sql.end({ timeout: 5 });
      await embedded?.stop();
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
