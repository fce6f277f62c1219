import { parseArgs, type ParseArgsConfig } from 'node:util';
import cliProgress from 'cli-progress';
import { REFERENCE_OPTIONS, type SimulationOptions } from '../simulator/simulate';

export type Options = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {}

/** util.parseArgs with a usage text: --help prints it, a bad flag prints the error and it, exit 2. */
export function parseCli<O extends Options>(usage: string, options: O, argv = process.argv.slice(2)) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } } });
    if ((parsed.values as Record<string, unknown>).help === true) {
      console.log(usage);
      process.exit(0);
    }
    return parsed.values as ReturnType<typeof parseArgs<{ options: O }>>['values'];
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

export const SIMULATION_FLAGS = {
  customers: { type: 'string' },
  terminals: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  'start-date': { type: 'string' },
} as const satisfies Options;

export const SIMULATION_USAGE = `  --customers N     customers (default ${REFERENCE_OPTIONS.customers})
  --terminals N     terminals (default ${REFERENCE_OPTIONS.terminals})
  --days N          days (default ${REFERENCE_OPTIONS.days})
  --start-date D    first day, YYYY-MM-DD (default ${REFERENCE_OPTIONS.startDate})`;

export function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

export function simulationOptions(
  values: Partial<Record<keyof typeof SIMULATION_FLAGS, string | boolean | undefined>>,
  defaultSeed: number,
): SimulationOptions {
  const start = values['start-date'];
  if (typeof start === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(start)) {
    throw new UsageError(`--start-date must be YYYY-MM-DD, got "${start}"`);
  }
  const seedText = values.seed as string | undefined;
  if (seedText !== undefined && !/^\d+$/.test(seedText))
    throw new UsageError(`--seed must be an integer >= 0`);
  return {
    ...REFERENCE_OPTIONS,
    customers: positiveInt('customers', values.customers as string | undefined, REFERENCE_OPTIONS.customers),
    terminals: positiveInt('terminals', values.terminals as string | undefined, REFERENCE_OPTIONS.terminals),
    days: positiveInt('days', values.days as string | undefined, REFERENCE_OPTIONS.days),
    seed: seedText === undefined ? defaultSeed : Number(seedText),
    startDate: typeof start === 'string' ? start : REFERENCE_OPTIONS.startDate,
  };
}

/** Runs a CLI main: usage errors exit 2 with the usage, other errors exit 1. */
export function runCli(usage: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  });
}

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/** A cli-progress bar on a TTY; elsewhere a line every 10% (and at most one every 2 seconds). */
export function progress(label: string, total: number): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(22)} [{bar}] {percentage}% {value}/{total} {duration_formatted}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      update: (done, newTotal) => {
        if (newTotal !== undefined && newTotal !== total) {
          total = newTotal;
          bar.setTotal(newTotal);
        }
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let lastDecile = -1;
  let lastAt = 0;
  return {
    update: (done, newTotal) => {
      if (newTotal !== undefined) total = newTotal;
      const decile = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (decile > lastDecile && (Date.now() - lastAt > 2000 || done >= total)) {
        lastDecile = decile;
        lastAt = Date.now();
        console.error(`${label}: ${done}/${total} (${total > 0 ? Math.floor((100 * done) / total) : 0}%)`);
      }
    },
    stop: () => console.error(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`),
  };
}

export function seconds(fromMs: number): string {
  return `${((performance.now() - fromMs) / 1000).toFixed(1)} s`;
}

export function pct(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)}%`;
}
