/**
 * What of a migration's text is its statements: the text with its SQL comments (`--` to the end of the line,
 * `/* ... *\/`, nested) and blank lines taken out, and trailing spaces trimmed, so that rewording a comment does
 * not change it. String literals and quoted identifiers are kept whole (a `--` inside them is not a comment);
 * function bodies are lexed like any other SQL, so their comments go too.
 */
import { createHash } from 'node:crypto';

export function statementsOf(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || c === '"') {
      // A quoted run ends at the next lone quote; a doubled quote is an escaped one.
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .join('\n');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The checksum a migration is recorded with: its statements', so that a comment is not a change. */
export function statementsChecksum(text: string): string {
  return sha256(statementsOf(text));
}
