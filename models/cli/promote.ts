import path from 'node:path';
import { promoteShadowModel } from '../evaluation/environment-config';
import { parseCli, runCli, UsageError } from './common';

const USAGE = `usage: npm run model:promote -- --env NAME

Makes the environment's shadow model (fraud.shadowModel in lib/infra/config/environments/<env>.ts) its active model
(fraud.model) and removes the shadow; deploy to apply. Compare the two first: npm run model:monitor.`;

runCli(USAGE, async () => {
  const values = parseCli(USAGE, { env: { type: 'string' } });
  if (!values.env || !/^[a-z0-9-]+$/.test(values.env)) throw new UsageError('--env: a name like prod');
  const file = path.resolve(
    __dirname,
    '..',
    '..',
    'lib',
    'infra',
    'config',
    'environments',
    `${values.env}.ts`,
  );
  const version = await promoteShadowModel(file);
  console.log(`${values.env}: active model is now ${version}, no shadow; deploy to apply`);
});
