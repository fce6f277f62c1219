import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createSql, type DatabaseSettings, type Sql } from './client';

interface RdsSecret {
  username: string;
  password: string;
  host?: string;
  port?: number;
  dbname?: string;
}

let shared: Promise<Sql> | undefined;

/**
 * The process's one database client, created on first use and reused by every invocation of the container.
 * DATABASE_URL wins (local platform, tests); on AWS the credentials come from Secrets Manager and the host is
 * the RDS Proxy endpoint.
 */
export function sharedSql(): Promise<Sql> {
  shared ??= connect().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** For tests and the local platform: use this client as the process's shared one. */
export function useSharedSql(sql: Sql): void {
  shared = Promise.resolve(sql);
}

async function connect(): Promise<Sql> {
  return createSql(await settingsFromEnvironment(process.env));
}

export async function settingsFromEnvironment(env: NodeJS.ProcessEnv): Promise<DatabaseSettings> {
  const max = env.DB_POOL_MAX ? Number(env.DB_POOL_MAX) : 2;
  const ssl = env.DB_SSL === 'require' || env.DB_SSL === 'verify-full' ? env.DB_SSL : false;
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, max, ssl };
  if (!env.DB_SECRET_ARN)
    throw new Error('set DATABASE_URL, or DB_SECRET_ARN with DB_HOST, to reach the database');
  const secret = await getSecret<RdsSecret>(env.DB_SECRET_ARN, { transform: 'json', maxAge: 300 });
  if (!secret?.username || !secret.password)
    throw new Error('the database secret has no username or password');
  return {
    host: env.DB_HOST ?? secret.host,
    port: Number(env.DB_PORT ?? secret.port ?? 5432),
    database: env.DB_NAME ?? secret.dbname ?? 'rampay',
    username: secret.username,
    password: secret.password,
    max,
    ssl,
  };
}
