/** Latency statistics for benchmarks (milliseconds in, milliseconds out). */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index]!;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(mean),
  };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `op` from `callers` concurrent loops for `durationMs`; returns per-call latencies and ops per second. */
export async function runFor(
  callers: number,
  durationMs: number,
  op: (caller: number, i: number) => Promise<void>,
): Promise<{ latencies: number[]; opsPerSecond: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        await op(caller, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { latencies, opsPerSecond: round((latencies.length / elapsed) * 1000, 1) };
}

export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

/**
 * Runs two contenders in alternating slices (a, b, a, b...) for `durationMs` each in total, so that a change in
 * the machine's background load during the run weighs on both alike; same result shape as runFor for each.
 */
export async function runInterleaved(
  callers: number,
  durationMs: number,
  slices: number,
  contenders: {
    a: (caller: number, i: number) => Promise<void>;
    b: (caller: number, i: number) => Promise<void>;
  },
): Promise<{
  a: { latencies: number[]; opsPerSecond: number };
  b: { latencies: number[]; opsPerSecond: number };
}> {
  const totals = { a: { latencies: [] as number[], ms: 0 }, b: { latencies: [] as number[], ms: 0 } };
  for (let slice = 0; slice < slices; slice++) {
    for (const side of ['a', 'b'] as const) {
      const started = performance.now();
      const run = await runFor(callers, durationMs / slices, contenders[side]);
      totals[side].ms += performance.now() - started;
      totals[side].latencies.push(...run.latencies);
    }
  }
  const result = (side: 'a' | 'b') => ({
    latencies: totals[side].latencies,
    opsPerSecond: round((totals[side].latencies.length / totals[side].ms) * 1000, 1),
  });
  return { a: result('a'), b: result('b') };
}
