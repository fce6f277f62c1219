import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { progress } from '../cli/common';

/** Debian's python3 with python3-sklearn and python3-onnx (the `python3` on PATH may lack them). */
export const PYTHON = '/usr/bin/python3';
const TRAIN_SCRIPT = path.join(__dirname, 'train.py');

/** train.py's last stdout line. */
export interface TrainReport {
  version: string;
  onnx: string;
  metadata: string;
  comparison: Record<
    string,
    { auc_roc: number; average_precision: number; card_precision_at_100: number; fit_seconds: number }
  >;
  thresholds: Record<
    string,
    { score_at_least: number; share_of_payments: number; precision: number | null; recall: number }
  >;
  calibration_points: number;
}

/**
 * Runs train.py with `args`, relaying its `[i/n]` iteration lines to a progress bar (its total comes from those
 * lines when `iterations` is not given); resolves its report.
 */
export function runTraining(args: string[], iterations?: number, quiet = false): Promise<TrainReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-u', TRAIN_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const bar = quiet
      ? { update: () => {}, stop: () => {} }
      : progress('boosting iterations', iterations ?? 0);
    let last = '';
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^\[(\d+)\/(\d+)\]/.exec(line);
      if (m) bar.update(Number(m[1]), Number(m[2]));
      else if (line.startsWith('{')) last = line;
      else if (!quiet && (!process.stderr.isTTY || !/^(Binning|Fitting)/.test(line)))
        console.error(`  ${line}`);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) =>
      reject(
        new Error(`cannot run ${PYTHON} (apt-get install python3-sklearn python3-onnx): ${error.message}`),
      ),
    );
    child.on('close', (code) => {
      bar.stop();
      if (code !== 0) return reject(new Error(`train.py exited with ${code}:\n${stderr}`));
      resolve(JSON.parse(last) as TrainReport);
    });
  });
}
