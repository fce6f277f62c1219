import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Where models live: MODEL_DIR (the bundle's models/ on Lambda), else the repository's models/. */
export function modelDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODEL_DIR ?? path.resolve(__dirname, '..', '..', 'models');
}

/** A model's metadata file is `fraud-<version>.json` (its parity report, `fraud-<version>.parity.json`, is not). */
const METADATA_FILE = /^fraud-[^.]+\.json$/;

/**
 * The metadata file of the model named by `choice`: a path to a metadata file, a file name in the model
 * directory, or a bare version. Without a choice, the one model in the directory (an error when there are
 * several: name one with FRAUD_MODEL).
 */
export function modelMetadataPath(choice: string | undefined, dir: string, variable = 'FRAUD_MODEL'): string {
  if (choice && choice.trim() !== '') {
    const given = choice.trim();
    if (given.endsWith('.json')) return path.isAbsolute(given) ? given : path.resolve(dir, given);
    return path.join(dir, `fraud-${given}.json`);
  }
  const found = readdirSync(dir)
    .filter((f) => METADATA_FILE.test(f))
    .sort();
  if (found.length === 1) return path.join(dir, found[0] as string);
  if (found.length === 0) throw new Error(`no fraud model (fraud-<version>.json) in ${dir}`);
  throw new Error(
    `${found.length} fraud models in ${dir} (${found.join(', ')}): name the active one with ${variable}`,
  );
}
