import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openApiDocument } from '../../functions/api/openapi';
import { createSql, type Sql } from '../../functions/shared/db/client';
import { useSharedSql } from '../../functions/shared/db/connection';
import { migrate } from '../../functions/shared/db/migrate';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { startHttpServer, type LocalRoute } from './http-server';
import { LocalJwtIssuer } from './jwt-issuer';

export interface PlatformOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Where the embedded database, the signing key and the mail sink live. */
  dataDir?: string;
  /** A PostgreSQL server to use instead of the embedded one. */
  databaseUrl?: string;
  /** Keep the embedded database in memory (tests). */
  ephemeral?: boolean;
}

export interface Platform {
  url: string;
  databaseUrl: string;
  sql: Sql;
  issuer: LocalJwtIssuer;
  stop(): Promise<void>;
}

export const DEFAULT_DATA_DIR = process.env.RAMPAY_DATA_DIR ?? path.resolve(__dirname, '..', '..', '.rampay');

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

  const issuer = await LocalJwtIssuer.open(dataDir);
  const localRoutes: LocalRoute[] = [
    { method: 'GET', path: '/openapi.json', serve: async () => ({ status: 200, body: openApiDocument() }) },
  ];
  const { server, url } = await startHttpServer({ port: options.port ?? 3000, issuer, localRoutes });

  return {
    url,
    databaseUrl,
    sql,
    issuer,
    async stop() {
      await closeServer(server);
      await sql.end({ timeout: 5 });
      await embedded?.stop();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
