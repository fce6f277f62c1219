import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR, repeatableFiles } from '../../../../functions/shared/db/migrate';
import { RELEASED_MIGRATIONS } from '../../../../functions/shared/db/released-migrations';
import { statementsChecksum } from '../../../../functions/shared/db/sql-text';
import { startTestDatabase, type TestDatabase } from '../../../support/database';

/** Each function a repeatable file defines, and its body (the text between its $$ quotes). */
function definitionsIn(file: string): { name: string; body: string }[] {
  const text = readFileSync(file, 'utf8');
  const found: { name: string; body: string }[] = [];
  for (const match of text.matchAll(/create or replace function (\w+)\(/g)) {
    const open = text.indexOf('$$', match.index);
    const close = text.indexOf('$$', open + 2);
    found.push({ name: match[1]!, body: text.slice(open + 2, close) });
  }
  return found;
}

/** A copy of the migrations folder as a bundle holds it (repeatable files collected), changed by `edit`. */
function migrationsCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampay-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  mkdirSync(path.join(dir, 'repeatable'));
  for (const file of repeatableFiles()) cpSync(file, path.join(dir, 'repeatable', path.basename(file)));
  edit(dir);
  return dir;
}

function editFile(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}

describe('migrate', () => {
  let db: TestDatabase;
  const copies: string[] = [];
  const copy = (edit: (dir: string) => void) => {
    const dir = migrationsCopy(edit);
    copies.push(dir);
    return dir;
  };
  beforeAll(async () => {
    db = await startTestDatabase();
  });
  afterAll(async () => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
    await db.stop();
  });

  const checksums = async () =>
    Object.fromEntries(
      (await db.sql<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`).map(
        (r) => [r.name, r.checksum],
      ),
    );

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

  it('applies the repeatable files: every stored function is defined in the database as its file defines it', async () => {
    const files = repeatableFiles();
    expect(files.map((f) => path.relative(path.resolve(MIGRATIONS_DIR, '../../..'), f))).toEqual(
      expect.arrayContaining([
        'fraud/adapters/sql/fraud-scoring.sql',
        'payments/adapters/sql/payments.sql',
        'shared/consumer/sql/inbox.sql',
        'shared/outbox/sql/outbox.sql',
      ]),
    );
    const definitions = files.flatMap(definitionsIn);
    expect(definitions.map((d) => d.name)).toEqual(
      expect.arrayContaining(['fraud_read_for_scoring', 'fraud_record_assessment', 'append_events']),
    );
    for (const { name, body } of definitions) {
      const rows = await db.sql<{ prosrc: string }[]>`
        select prosrc from pg_proc where proname = ${name} and pronamespace = 'public'::regnamespace`;
      expect({ name, bodies: rows.map((r) => r.prosrc) }).toEqual({ name, bodies: [body] });
    }
    const recorded = await db.sql<{ name: string }[]>`select name from schema_repeatables order by name`;
    expect(recorded.map((r) => r.name)).toEqual(files.map((f) => path.basename(f)).sort());
  });

  it('a second migrate is a no-op: nothing applied, no function replaced', async () => {
    const catalog = () => db.sql<{ proname: string; xmin: string }[]>`
      select proname, xmin::text as xmin from pg_proc
       where pronamespace = 'public'::regnamespace order by proname`;
    const before = await catalog();
    expect(await migrate(db.sql)).toMatchObject({ applied: [], repeatable: [] });
    expect(await catalog()).toEqual(before);
  });

  it('applies a repeatable file again once it changed, and only that one', async () => {
    const changed = copy((dir) =>
      editFile(
        path.join(dir, 'repeatable', 'inbox.sql'),
        'on conflict (consumer, event_id) do nothing;',
        'on conflict (consumer, event_id) do nothing; -- a first delivery inserts',
      ),
    );
    expect(await migrate(db.sql, changed)).toMatchObject({ applied: [], repeatable: ['inbox.sql'] });
    const [row] = await db.sql<
      { prosrc: string }[]
    >`select prosrc from pg_proc where proname = 'claim_inbox_entry'`;
    expect(row!.prosrc).toContain('-- a first delivery inserts');
    // Back to the sources' definition.
    expect(await migrate(db.sql)).toMatchObject({ applied: [], repeatable: ['inbox.sql'] });
  });

  it('records versioned files by their statements: a reworded comment is not a change, a changed statement is refused', async () => {
    const before = await checksums();
    const reworded = copy((dir) =>
      editFile(
        path.join(dir, '0005_analytics.sql'),
        '-- Analytics: rollups',
        '-- Analytics, reworded: rollups',
      ),
    );
    expect(await migrate(db.sql, reworded)).toMatchObject({ applied: [], repeatable: [] });
    expect(await checksums()).toEqual(before);
    const changed = copy((dir) =>
      editFile(
        path.join(dir, '0005_analytics.sql'),
        'create table analytics_rollups (',
        'create table analytics_rollup (',
      ),
    );
    await expect(migrate(db.sql, changed)).rejects.toThrow(
      'migration 0005_analytics.sql was changed after it was applied',
    );
    expect(await checksums()).toEqual(before);
  });

  it('a database migrated when whole texts were checksummed migrates cleanly and is recorded by statements from then on', async () => {
    const current = await checksums();
    // As the released files left it: every row with the sha256 of the file's whole text as released.
    for (const [name, released] of Object.entries(RELEASED_MIGRATIONS))
      await db.sql`update schema_migrations set checksum = ${released.text} where name = ${name}`;
    // A statement changed since the release is still refused (and nothing is rewritten).
    const changed = copy((dir) =>
      editFile(
        path.join(dir, '0003_fraud.sql'),
        'create table fraud_card_days (',
        'create table fraud_card_day (',
      ),
    );
    await expect(migrate(db.sql, changed)).rejects.toThrow(
      'migration 0003_fraud.sql was changed after it was applied',
    );
    expect((await checksums())['0003_fraud.sql']).toBe(RELEASED_MIGRATIONS['0003_fraud.sql']!.text);
    // The files as they are now (comments reworded since the release): accepted, and rewritten.
    expect(await migrate(db.sql)).toMatchObject({ applied: [], repeatable: [] });
    expect(await checksums()).toEqual(current);
    for (const [name, checksum] of Object.entries(current))
      expect(checksum).toBe(statementsChecksum(readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8')));
    expect(await migrate(db.sql)).toMatchObject({ applied: [], repeatable: [] });
  });
});
