import { logger } from '../logger';
import { createSql } from './client';
import { migrate, MIGRATIONS_DIR, type MigrationResult } from './migrate';
import { settingsFromSecret } from './secret-settings';

const ATTEMPTS = 5;
/** SQLSTATEs of a refused sign-in: invalid_password, invalid_authorization_specification. */
const REFUSED_SIGN_IN = new Set(['28P01', '28000']);

/**
 * The deploy-time migration step: a CDK Trigger invokes this after the database is up, and a thrown error fails
 * (and rolls back) the deployment. The bundle carries the migrations folder, with the repeatable stored-function
 * files collected into its `repeatable` folder, and sets MIGRATIONS_DIR, because an ESM bundle has no __dirname to
 * find it by. A fresh instance can refuse connections for a short while after
 * CloudFormation reports it ready, so connecting is retried; the migration itself is not. It connects straight to
 * the instance with the password from the database secret (secret-settings.ts), not through RDS Proxy with IAM.
 * A refused password means the secret rotated since it was read: the next attempt reads it again.
 */
export const handler = async (): Promise<MigrationResult> => {
  let settings = await settingsFromSecret(process.env);
  for (let attempt = 1; ; attempt++) {
    const sql = createSql({ ...settings, max: 1 });
    try {
      await sql`select 1`;
    } catch (error) {
      await sql.end({ timeout: 1 });
      if (attempt >= ATTEMPTS) throw error;
      const code = (error as { code?: unknown }).code;
      const refused = typeof code === 'string' && REFUSED_SIGN_IN.has(code);
      logger.warn(
        refused ? 'password refused, reading the secret again' : 'database not reachable yet, retrying',
        {
          attempt,
          code,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
      if (refused) settings = await settingsFromSecret(process.env, { fresh: true });
      continue;
    }
    try {
      const result = await migrate(sql, MIGRATIONS_DIR);
      logger.info('migrations applied', {
        applied: result.applied,
        alreadyApplied: result.alreadyApplied,
        repeatable: result.repeatable,
      });
      return result;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
};
