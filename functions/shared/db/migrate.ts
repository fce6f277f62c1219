import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Sql } from './client';

/** Where the ordered SQL files live; bundles copy this folder next to the code and point MIGRATIONS_DIR at it. */
export const MIGRATIONS_DIR = process.env.MIGRATIONS_DIR ?? path.join(__dirname, 'migrations');

// Any constant works; it only has to be the same for every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_261_400_001;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies every `NNNN_name.sql` file not applied yet, in name order, in one transaction, under an
 * advisory lock so that concurrent starters (deploy trigger, local start, test workers) never race.
 * A file that changed after it was applied is an error: migrations are append-only.
 */
export async function migrate(sql: Sql, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await tx`
      create table if not exists schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
    const done = new Map<string, string>();
    for (const row of await tx<
      { name: string; checksum: string }[]
    >`select name, checksum from schema_migrations`) {
      done.set(row.name, row.checksum);
    }
    const applied: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${file} was changed after it was applied`);
        continue;
      }
      await tx.unsafe(text);
      await tx`insert into schema_migrations (name, checksum) values (${file}, ${checksum})`;
      applied.push(file);
    }
    return { applied, alreadyApplied: done.size };
  });
}
