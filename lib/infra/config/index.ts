import { z } from 'zod';
import { dev } from './environments/dev';
import { prod } from './environments/prod';
import { staging } from './environments/staging';
import { ConfigError } from './errors';
import { environmentConfigSchema, type EnvironmentConfig, type EnvironmentConfigInput } from './schema';

export * from './schema';

export const ENVIRONMENTS = { dev, staging, prod } as const satisfies Record<string, EnvironmentConfigInput>;
export type EnvironmentName = keyof typeof ENVIRONMENTS;
export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];

export { ConfigError } from './errors';

/** Checks one environment's settings; throws a ConfigError that lists every wrong field. */
export function parseConfig(input: unknown, label = 'config'): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(`invalid RamPay ${label}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The checked config of a named environment (`-c env=<name>`). */
export function loadConfig(name: string): EnvironmentConfig {
  if (!Object.hasOwn(ENVIRONMENTS, name)) {
    throw new ConfigError(
      `unknown environment '${name}': use one of ${ENVIRONMENT_NAMES.join(', ')} (-c env=<name>)`,
    );
  }
  return parseConfig(ENVIRONMENTS[name as EnvironmentName], `config for environment '${name}'`);
}
