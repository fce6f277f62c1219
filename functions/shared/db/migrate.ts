import { existsSync, readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql, TransactionSql } from './client';
import { RELEASED_MIGRATIONS } from './released-migrations';
import { REPEATABLE_FOLDER, repeatableFolders } from './sql-layout';
import { sha256, statementsChecksum } from './sql-text';

/** Where the ordered SQL files live; bundles copy this folder next to the code and point MIGRATIONS_DIR at it. */
export const MIGRATIONS_DIR = process.env.MIGRATIONS_DIR ?? path.join(__dirname, 'migrations');

/**
 * The repeatable files a migration of `dir` applies, sorted by name (which must be unique): in a bundle, those
 * collected into `dir`/repeatable; from the sources, those of every sql/ folder under functions/.
 */
export function repeatableFiles(dir: string = MIGRATIONS_DIR): string[] {
  const collected = path.join(dir, REPEATABLE_FOLDER);
  const folders = existsSync(collected)
    ? [collected]
    : repeatableFolders(path.resolve(__dirname, '..', '..'));
  const files = folders
    .flatMap((folder) => readdirSync(folder).map((name) => path.join(folder, name)))
    .filter((file) => file.endsWith('.sql'))
    .sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
  const names = files.map((file) => path.basename(file));
  const twice = names.find((name, k) => names.indexOf(name) !== k);
  if (twice) throw new Error(`two repeatable SQL files are named ${twice}`);
  return files;
}

/** What a bookkeeping table records: each applied file's checksum by name. */
async function recordedChecksums(
  tx: TransactionSql,
  table: 'schema_migrations' | 'schema_repeatables',
): Promise<Map<string, string>> {
  const rows = await tx<{ name: string; checksum: string }[]>`select name, checksum from ${tx(table)}`;
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

// Any constant works; it only has to be the same for every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_261_400_001;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
  /** The repeatable files (re)applied: those that changed, or all of them after a versioned migration. */
  repeatable: string[];
}

/**
 * Applies every `NNNN_name.sql` file not applied yet, in name order, then the repeatable files that changed since
 * they were last applied (all of them when a versioned file was applied: it may have dropped or replaced a
 * function), in one transaction, under an advisory lock so that concurrent starters (deploy trigger, local start,
 * test workers) never race. A run with nothing new changes nothing.
 *
 * A versioned file is recorded by the checksum of its statements (sql-text.ts): rewording its comments is not a
 * change, but a statement that changed after the file was applied is an error (migrations are append-only). A
 * file released when the whole text was checksummed (released-migrations.ts) is accepted under that checksum while
 * its statements are the released ones, and recorded by its statements' from then on.
 */
export async function migrate(sql: Sql, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const repeatable = repeatableFiles(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await tx`
      create table if not exists schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
    await tx`
      create table if not exists schema_repeatables (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
    const done = await recordedChecksums(tx, 'schema_migrations');
    const applied: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      const checksum = statementsChecksum(text);
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous === checksum) continue;
        const released = RELEASED_MIGRATIONS[file];
        if (previous === released?.text && checksum === released.statements) {
          await tx`update schema_migrations set checksum = ${checksum} where name = ${file}`;
          continue;
        }
        throw new Error(`migration ${file} was changed after it was applied`);
      }
      await tx.unsafe(text);
      await tx`insert into schema_migrations (name, checksum) values (${file}, ${checksum})`;
      applied.push(file);
    }
    const current = await recordedChecksums(tx, 'schema_repeatables');
    const reapplied: string[] = [];
    for (const file of repeatable) {
      const name = path.basename(file);
      const text = await readFile(file, 'utf8');
      const checksum = sha256(text);
      if (applied.length === 0 && current.get(name) === checksum) continue;
      await tx.unsafe(text);
      await tx`
        insert into schema_repeatables (name, checksum) values (${name}, ${checksum})
        on conflict (name) do update set checksum = excluded.checksum, applied_at = now()`;
      reapplied.push(name);
    }
    return { applied, alreadyApplied: done.size, repeatable: reapplied };
  });
}
