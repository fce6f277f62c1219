import path from 'node:path';
import { OnnxFraudModel } from '../../functions/fraud/model';
import { activeModel, MODELS_DIR } from '../artifact';
import { exportFeatures } from '../features/export';
import { buildDriftReference, trainingWindowOf, writeDriftReference } from '../monitoring/reference';
import { simulate, type SimulationOptions } from '../simulator/simulate';
import { parseCli, progress, runCli, seconds, UsageError } from './common';

const USAGE = `usage: npm run model:reference -- [--model FILE]

Writes a model's drift reference, fraud-<version>.reference.json beside its metadata: how its risk score and each
of its features were distributed over its training window (score bands, feature deciles), which the daily drift
measurement and model:monitor compare each day with. model:train writes it with every model; this command writes
it for a model trained on a simulation before that, by simulating that training data again (the simulation
recorded in the metadata) and scoring its training window with the model.

  --model FILE      the model's metadata (default: the committed model, models/fraud-<version>.json)`;

runCli(USAGE, async () => {
  const values = parseCli(USAGE, { model: { type: 'string' } });
  const metadataPath = values.model ? path.resolve(values.model) : activeModel(MODELS_DIR).metadataPath;
  const started = performance.now();
  const window = await trainingWindowOf(metadataPath);
  if (!window.simulation || !window.days) {
    throw new UsageError(
      `${metadataPath} was not trained on a simulation: train it again (model:train writes its reference)`,
    );
  }
  const options = window.simulation as unknown as SimulationOptions;
  const simulating = progress('simulating customers', options.customers);
  const sim = simulate(options, (phase, done) => phase === 'transactions' && simulating.update(done));
  simulating.stop();
  const exporting = progress('exporting features', sim.count);
  const table = exportFeatures(sim, (done) => exporting.update(done));
  exporting.stop();
  const model = await OnnxFraudModel.load({ metadataPath });
  const scoring = progress('scoring the window', 0);
  const reference = await buildDriftReference(model, table, window.days, window, (done, total) =>
    scoring.update(done, total),
  );
  scoring.stop();
  if (window.rows !== undefined && reference.window.payments !== window.rows) {
    throw new Error(
      `the simulation gave ${reference.window.payments} training rows, the metadata records ${window.rows}: ` +
        'it is not the data the model was trained on',
    );
  }
  const file = await writeDriftReference(metadataPath, reference);
  const bins = Object.entries(reference.features)
    .map(([name, f]) => `${name} ${f.cuts.length + 1}`)
    .join(', ');
  console.log(`
drift reference of ${reference.model}
  window        ${reference.window.from} .. ${reference.window.to}: ${reference.window.payments.toLocaleString('en-US')} payments
  score bins    ${reference.score.counts.map((c) => ((100 * c) / reference.window.payments).toFixed(2) + '%').join(' ')}
  feature bins  ${bins}
  time          ${seconds(started)}
  written       ${file}`);
});
