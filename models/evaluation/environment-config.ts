import { readFile, writeFile } from 'node:fs/promises';
import type { Recommendation } from './costs';

/**
 * Edits of an environment's config file (lib/infra/config/environments/<env>.ts), whose fraud entry is one line:
 * `fraud: { thresholds: { review: R, hold: H, decline: D }, model?: '...', shadowModel?: '...' },`.
 */
const FRAUD_LINE = /^(\s*)fraud: \{( thresholds: .*)\},?$/m;

function fraudLine(file: string, text: string): RegExpExecArray {
  const line = FRAUD_LINE.exec(text);
  if (!line || !/thresholds: \{ review: \d+, hold: \d+, decline: \d+ \}/.test(line[2]!)) {
    throw new Error(`${file}: no one-line "fraud: { thresholds: {...} }" entry to update`);
  }
  return line;
}

/** Sets the thresholds of the fraud entry, leaving its models as they are. */
export async function writeEnvironmentThresholds(file: string, r: Recommendation): Promise<void> {
  const text = await readFile(file, 'utf8');
  const line = fraudLine(file, text);
  const updated = line[0].replace(
    /thresholds: \{ review: \d+, hold: \d+, decline: \d+ \}/,
    `thresholds: { review: ${r.review}, hold: ${r.hold}, decline: ${r.decline} }`,
  );
  await writeFile(file, text.replace(line[0], updated));
}

/** Makes the shadow model the active one (`model`) and removes the shadow; returns the promoted version. */
export async function promoteShadowModel(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const line = fraudLine(file, text);
  const shadow = /,\s*shadowModel: '([^']+)'/.exec(line[0]);
  if (!shadow) throw new Error(`${file}: the fraud entry names no shadowModel to promote`);
  let updated = line[0].replace(shadow[0], '');
  updated = /model: '[^']*'/.test(updated)
    ? updated.replace(/model: '[^']*'/, `model: '${shadow[1]}'`)
    : updated.replace(/(thresholds: \{[^}]*\})/, `$1, model: '${shadow[1]}'`);
  await writeFile(file, text.replace(line[0], updated));
  return shadow[1]!;
}
