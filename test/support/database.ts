import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createSql, int8AsNumber, type Sql } from '../../functions/shared/db/client';
import { migrate } from '../../functions/shared/db/migrate';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../../lib/local/embedded-postgres';

export interface TestDatabase {
  sql: Sql;
  url: string;
  /** true when DATABASE_URL names a real server (concurrency tests only mean something there) */
  isServer: boolean;
  stop(): Promise<void>;
}

export const onServer = Boolean(process.env.DATABASE_URL);

/**
 * A fresh, migrated database for one test file: a new database on the DATABASE_URL server, or an embedded
 * PGlite when DATABASE_URL is not set.
 */
export async function startTestDatabase(
  options: { max?: number; /** false: left empty, for a test of the migrator */ migrate?: boolean } = {},
): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `rampay_test_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const sql = createSql({ url: url.toString(), max: options.max ?? 10 });
    if (options.migrate !== false) await migrate(sql);
    return {
      sql,
      url: url.toString(),
      isServer: true,
      async stop() {
        await sql.end({ timeout: 5 });
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end({ timeout: 5 });
      },
    };
  }
  const embedded = await startEmbeddedPostgres();
  const sql = createSql({ url: embedded.url, max: EMBEDDED_POOL_SIZE });
  if (options.migrate !== false) await migrate(sql);
  return {
    sql,
    url: embedded.url,
    isServer: false,
    async stop() {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

/**
 * A client of the test database that records the text of every statement it sends, and its parameters
 * (postgres.js reads the array types once per connection: `withoutTypeLookup` leaves that one out), and counts
 * its writes to the socket after connecting (`flights`): a round trip starts with one. One connection, as a
 * Lambda container has; int8 read as numbers, as createSql does.
 */
export function recordingClient(url: string): {
  sql: Sql;
  statements: string[];
  parameters: unknown[][];
  withoutTypeLookup: () => string[];
  flights: { count: number };
} {
  const statements: string[] = [];
  const parameters: unknown[][] = [];
  const flights = { count: 0 };
  const { hostname, port } = new URL(url);
  const countingSocket = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: hostname, port: Number(port || 5432) });
      socket.once('error', reject);
      socket.once('connect', () => {
        const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
        socket.write = ((...args: unknown[]) => {
          flights.count++;
          return write(...args);
        }) as typeof socket.write;
        resolve(socket);
      });
    });
  const sql = postgres(url, {
    prepare: false,
    // postgres.js takes a socket factory, though its types leave it out.
    ...({ socket: countingSocket } as object),
    max: 1,
    onnotice: () => undefined,
    types: { int8: int8AsNumber },
    debug: (_connection: number, query: string, values: unknown[]) => {
      statements.push(query.replace(/\s+/g, ' ').trim());
      parameters.push(values);
    },
  }) as unknown as Sql;
  return {
    sql,
    statements,
    parameters,
    withoutTypeLookup: () => statements.filter((s) => !s.includes('pg_catalog.pg_type')),
    flights,
  };
}
