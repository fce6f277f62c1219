/**
 * Runs dependency-cruiser (an ES module, which jest's CommonJS test modules cannot load) with the repository's
 * rules: `node cruise.mjs <base directory> <path>...` prints the violations as JSON, one object per violation.
 * With a tsconfig.json in the base directory, its settings resolve the imports.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const CONFIG = path.resolve(import.meta.dirname, '..', '..', '.dependency-cruiser.cjs');

const [baseDir, ...paths] = process.argv.slice(2);
const options = await extractDepcruiseOptions(CONFIG);
const tsConfigFile = path.join(baseDir, 'tsconfig.json');
const withTsConfig = existsSync(tsConfigFile);
const result = await cruise(
  paths,
  {
    ...options,
    baseDir,
    validate: true,
    outputType: 'json',
    ...(withTsConfig ? { tsConfig: { fileName: tsConfigFile } } : { tsConfig: undefined }),
  },
  {},
  withTsConfig ? { tsConfig: extractTSConfig(tsConfigFile) } : {},
);
const { summary } = JSON.parse(result.output);
const violations = summary.violations.map((v) => ({
  rule: v.rule.name,
  from: v.from,
  to: v.to,
  ...(v.cycle ? { cycle: v.cycle.map((step) => step.name) } : {}),
}));
process.stdout.write(JSON.stringify({ violations, modules: summary.totalCruised }));
