import type { Io } from '../../../../lib/ops/dlq/progress';

/** Captures what the CLI prints. */
export function captureIo(): Io & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    isTTY: false,
    out: (line) => lines.push(...line.split('\n')),
    err: (line) => errors.push(...line.split('\n')),
    text: () => [...lines, ...errors].join('\n'),
  };
}
