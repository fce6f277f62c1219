/**
 * Where the SQL files live, for migrate() and for the migrator's bundle (the CDK app reads this module, so it
 * imports nothing of the database client).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Stored functions are defined in repeatable files, `create or replace`, each in a `sql/` folder beside the code
 * that calls them (e.g. functions/fraud/adapters/sql/fraud-scoring.sql), so that a function's current definition is
 * one file. A bundle collects them into this folder of its migrations folder.
 */
export const REPEATABLE_FOLDER = 'repeatable';

/** The `sql/` folders of repeatable files under `functionsRoot` (the repository's functions/), sorted. */
export function repeatableFolders(functionsRoot: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules') continue;
      const child = path.join(dir, entry.name);
      if (entry.name === 'sql') found.push(child);
      else walk(child);
    }
  };
  walk(functionsRoot);
  return found.sort();
}
