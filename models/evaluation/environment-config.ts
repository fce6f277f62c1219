import { readFile, writeFile } from 'node:fs/promises';
import type { Recommendation } from './costs';

/** Rewrites the `fraud: { thresholds: {...} }` entry of an environment's config file. */
export async function writeEnvironmentThresholds(file: string, r: Recommendation): Promise<void> {
  const text = await readFile(file, 'utf8');
  const pattern = /fraud: \{ thresholds: \{ review: \d+, hold: \d+, decline: \d+ \} \}/;
  if (!pattern.test(text)) throw new Error(`${file}: no "fraud: { thresholds: {...} }" entry to update`);
  await writeFile(
    file,
    text.replace(
      pattern,
      `fraud: { thresholds: { review: ${r.review}, hold: ${r.hold}, decline: ${r.decline} } }`,
    ),
  );
}
