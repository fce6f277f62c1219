import { Presets, SingleBar } from 'cli-progress';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** A progress bar when true; periodic lines otherwise. */
  isTTY: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

export interface Progress {
  /** Sets the count done (and the total, when it became known or grew). */
  update(done: number, total?: number): void;
  stop(): void;
}

/** A cli-progress bar on a terminal; elsewhere a line at most every 2 s and at the end. */
export function startProgress(io: Io, label: string, total: number): Progress {
  if (io.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0);
    return {
      update: (done, newTotal) => {
        if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, done, 1));
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let current = { done: 0, total };
  return {
    update: (done, newTotal) => {
      current = { done, total: Math.max(newTotal ?? current.total, done) };
      if (Date.now() - last >= 2000) {
        last = Date.now();
        io.err(`${label}: ${current.done}/${current.total}`);
      }
    },
    stop: () => io.err(`${label}: ${current.done}/${current.total} done`),
  };
}
