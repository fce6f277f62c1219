/**
 * Captures what Powertools loggers print (JSON lines on stdout, and on stderr for errors) until `restore`.
 */
export function captureLogLines(): { lines: Record<string, unknown>[]; restore: () => void } {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    lines,
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
