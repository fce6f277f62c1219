import { logger } from '../logger';
import { createSql } from './client';
import { migrate, MIGRATIONS_DIR, type MigrationResult } from './migrate';
import { settingsFromSecret } from './secret-settings';

const ATTEMPTS = 5;

/**
 * The deploy-time migration step: a CDK Trigger invokes this after the database is up, and a thrown error fails
 * (and rolls back) the deployment. The bundle carries the migrations folder, with the repeatable stored-function
 * files collected into its `repeatable` folder, and sets MIGRATIONS_DIR, because an ESM bundle has no __dirname to
 * find it by. A fresh instance can refuse connections for a short while after
 * CloudFormation reports it ready, so connecting is retried; the migration itself is not. It connects straight to
 * the instance with the password from the database secret (secret-settings.ts), not through RDS Proxy with IAM.
 */
export const handler = async (): Promise<MigrationResult> => {
  const settings = await settingsFromSecret(process.env);
  for (let attempt = 1; ; attempt++) {
    const sql = createSql({ ...settings, max: 1 });
    try {
      await sql`select 1`;
    } catch (error) {
      await sql.end({ timeout: 1 });
      if (attempt >= ATTEMPTS) throw error;
      logger.warn('database not reachable yet, retrying', { attempt, error: String(error) });
      await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
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
