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
  stop(): Promise<void>;
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
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
