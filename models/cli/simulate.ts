import path from 'node:path';
import { writeSimulation } from '../simulator/files';
import { simulate, simulationStats } from '../simulator/simulate';
import {
  parseCli,
  pct,
  progress,
  runCli,
  seconds,
  SIMULATION_FLAGS,
  SIMULATION_USAGE,
  simulationOptions,
} from './common';

const USAGE = `usage: npm run model:simulate -- [options]

Simulates card transactions with the handbook's generator (chapter 3.2) and writes
<out>/transactions.csv and <out>/simulation.json.

${SIMULATION_USAGE}
  --seed S          random seed (default 1)
  --out DIR         output folder (default models/data/sim-<seed>-<customers>x<terminals>x<days>)`;

runCli(USAGE, async () => {
  const values = parseCli(USAGE, { ...SIMULATION_FLAGS, out: { type: 'string' } });
  const options = simulationOptions(values, 1);
  const out =
    values.out ??
    path.join(
      'models',
      'data',
      `sim-${options.seed}-${options.customers}x${options.terminals}x${options.days}`,
    );

  const started = performance.now();
  const bar = progress('simulating customers', options.customers);
  const sim = simulate(options, (phase, done) => {
    if (phase === 'transactions') bar.update(done);
  });
  bar.stop();
  const simulated = seconds(started);

  const writeStarted = performance.now();
  const writing = progress('writing csv', sim.count);
  const files = await writeSimulation(out, sim, (done) => writing.update(done));
  writing.stop();

  const s = simulationStats(sim);
  console.log(`
simulation (seed ${options.seed}, ${options.customers} customers, ${options.terminals} terminals, ${options.days} days from ${options.startDate})
  transactions      ${s.transactions.toLocaleString('en-US')} (${s.transactionsPerDay.toFixed(0)} a day, mean amount ${s.meanAmount.toFixed(2)})
  frauds            ${s.frauds.toLocaleString('en-US')} (${pct(s.fraudRate, 3)}) on ${s.compromisedCards} cards
  by scenario       1 (amount > 220): ${s.byScenario[1]}   2 (terminal): ${s.byScenario[2]}   3 (card, amount x5): ${s.byScenario[3]}
  time              simulate ${simulated}, write ${seconds(writeStarted)}
  files             ${files.csv}
                    ${files.json}`);
});
