/**
 * On a terminal, `npm start` shows the handlers' JSON log lines (Powertools) as short readable lines:
 * `02:10:41 WARN  local outbox relay failed  errorName=... correlationId=...`. Lambda and piped output keep JSON.
 */
const LEFT_OUT = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id']);

/** The readable form of one Powertools JSON line, or undefined if the line is not one. */
export function readableLogLine(line: string): string | undefined {
  if (!line.startsWith('{"level":')) return undefined;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof entry.level !== 'string' || typeof entry.message !== 'string') return undefined;
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 19) : '';
  const facts = Object.entries(entry)
    .filter(([key]) => !LEFT_OUT.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [time, entry.level.padEnd(5), entry.message, ...facts].filter(Boolean).join(' ').trimEnd();
}

/** Rewrites the JSON log lines written to `stream` (stdout or stderr of a terminal) as readable lines. */
export function showLogsReadably(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    const text = chunk
      .split('\n')
      .map((line) => readableLogLine(line) ?? line)
      .join('\n');
    return write(text, ...rest);
  }) as typeof stream.write;
}
