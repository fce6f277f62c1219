import { migrate } from '../../../../functions/shared/db/migrate';
import { startTestDatabase, type TestDatabase } from '../../../support/database';

describe('migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await startTestDatabase();
  });
  afterAll(() => db.stop());

  it('creates the core tables and records each migration once', async () => {
    const tables = await db.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['idempotency_records', 'outbox', 'payments', 'refunds', 'schema_migrations']),
    );
    const again = await migrate(db.sql);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBeGreaterThanOrEqual(1);
  });

  it('serialises concurrent runs so that none applies a file twice', async () => {
    const results = await Promise.all([migrate(db.sql), migrate(db.sql), migrate(db.sql)]);
    expect(results.flatMap((r) => r.applied)).toEqual([]);
  });
});
