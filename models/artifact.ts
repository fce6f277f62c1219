import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The committed model: exactly one `fraud-<version>.json` metadata file in models/, next to the
 * `fraud-<version>.onnx` it names (its parity rows are `fraud-<version>.parity.json`, its drift reference
 * `fraud-<version>.reference.json`). `npm run model:train`
 * writes a new version and removes the previous one's files (git keeps them).
 */
export const MODELS_DIR = __dirname;
export const METADATA_FILE = /^fraud-[^.]+\.json$/;
export const VERSION_FILE = /^fraud-([^.]+)\.(json|onnx|parity\.json|reference\.json)$/;

export function activeModel(dir = MODELS_DIR): { version: string; metadataPath: string } {
  const found = readdirSync(dir).filter((f) => METADATA_FILE.test(f));
  if (found.length !== 1) {
    throw new Error(
      `expected one fraud-<version>.json in ${dir}, found ${found.length}: ${found.join(', ')}`,
    );
  }
  const file = found[0] as string;
  return { version: file.slice('fraud-'.length, -'.json'.length), metadataPath: path.join(dir, file) };
}
