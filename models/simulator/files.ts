import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { simulationStats, startMsOf, type Simulation, type SimulationOptions } from './simulate';

/**
 * A simulation on disk: transactions.csv (the handbook's columns, one row per transaction, time order) and
 * simulation.json (options and statistics).
 */
export const CSV_HEADER =
  'TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,TX_FRAUD_SCENARIO';

function amountText(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${String(cents - whole * 100).padStart(2, '0')}`;
}

export async function writeSimulation(
  dir: string,
  sim: Simulation,
  progress: (done: number, total: number) => void = () => {},
): Promise<{ csv: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const csv = path.join(dir, 'transactions.csv');
  const out = createWriteStream(csv);
  const lines: string[] = [CSV_HEADER];
  const flush = async (): Promise<void> => {
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
    lines.length = 0;
  };
  for (let i = 0; i < sim.count; i++) {
    const seconds = sim.timeSeconds[i] as number;
    const at = new Date(sim.startMs + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
    lines.push(
      `${i},${at},${sim.customer[i]},${sim.terminal[i]},${amountText(sim.amountCents[i] as number)},${seconds},${Math.floor(seconds / 86400)},${sim.fraud[i]},${sim.scenario[i]}`,
    );
    if (lines.length >= 20000) {
      await flush();
      progress(i + 1, sim.count);
    }
  }
  await flush();
  out.end();
  await once(out, 'finish');
  progress(sim.count, sim.count);
  const json = path.join(dir, 'simulation.json');
  await writeFile(json, JSON.stringify({ options: sim.options, stats: simulationStats(sim) }, null, 2));
  return { csv, json };
}

export async function readSimulation(dir: string): Promise<Simulation> {
  const { options } = JSON.parse(await readFile(path.join(dir, 'simulation.json'), 'utf8')) as {
    options: SimulationOptions;
  };
  const text = await readFile(path.join(dir, 'transactions.csv'), 'utf8');
  const lines = text.split('\n');
  if (lines[0] !== CSV_HEADER) throw new Error(`${dir}/transactions.csv: unexpected header`);
  const rows = lines.length - 1 - (lines[lines.length - 1] === '' ? 1 : 0);
  const sim: Simulation = {
    options,
    startMs: startMsOf(options.startDate),
    count: rows,
    timeSeconds: new Int32Array(rows),
    customer: new Int32Array(rows),
    terminal: new Int32Array(rows),
    amountCents: new Int32Array(rows),
    fraud: new Uint8Array(rows),
    scenario: new Uint8Array(rows),
  };
  for (let i = 0; i < rows; i++) {
    const cols = (lines[i + 1] as string).split(',');
    if (cols.length !== 9 || Number(cols[0]) !== i)
      throw new Error(`transactions.csv line ${i + 2}: malformed`);
    sim.customer[i] = Number(cols[2]);
    sim.terminal[i] = Number(cols[3]);
    sim.amountCents[i] = Math.round(Number(cols[4]) * 100);
    sim.timeSeconds[i] = Number(cols[5]);
    sim.fraud[i] = Number(cols[7]);
    sim.scenario[i] = Number(cols[8]);
  }
  return sim;
}
