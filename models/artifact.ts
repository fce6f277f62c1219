import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The committed model: models/fraud-model.json names the active version's metadata file, which names its
 * .onnx. `npm run model:train` writes a new version and points this file at it.
 */
export const MODELS_DIR = __dirname;
export const ACTIVE_MODEL_FILE = path.join(MODELS_DIR, 'fraud-model.json');

export interface ActiveModel {
  version: string;
  metadata: string;
}

export function activeModel(): ActiveModel & { metadataPath: string } {
  const active = JSON.parse(readFileSync(ACTIVE_MODEL_FILE, 'utf8')) as ActiveModel;
  return { ...active, metadataPath: path.join(MODELS_DIR, active.metadata) };
}
