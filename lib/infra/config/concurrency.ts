/**
 * Lambda concurrency, derived from one budget per environment: how many executions may hold a database
 * connection at once (`concurrency.databaseBudget`, what RDS Proxy and the instance behind it can serve).
 * Consumers take what their event source mappings may start (`consumers.<name>.maxConcurrency`), scheduled
 * functions one each, and the API functions share the rest equally as reserved concurrency, which is both their
 * ceiling and their guarantee. Reservations must leave the account's 100 unreserved executions free.
 */
import { ConfigError } from './errors';
import type { FunctionSpec } from './functions';
import type { EnvironmentConfig } from './schema';

/** Lambda keeps this many of the account's concurrent executions unreserved. */
export const UNRESERVED_MINIMUM = 100;

export interface ConcurrencyPlan {
  /** Reserved concurrency per function id; absent: the function reserves none. */
  reserved: ReadonlyMap<string, number>;
  /** Executions that may hold database connections at once, by kind. */
  database: { api: number; consumers: number; scheduled: number };
  reservedTotal: number;
}

export function planConcurrency(
  config: EnvironmentConfig,
  functions: readonly FunctionSpec[],
): ConcurrencyPlan {
  const { accountLimit, databaseBudget } = config.concurrency;
  const api = functions.filter((f) => f.trigger.kind === 'api');
  const scheduled = functions.filter((f) => f.trigger.kind === 'schedule');
  const consumers = functions.flatMap((f) => (f.trigger.kind === 'consumer' ? [f.trigger.consumer] : []));
  const consumerShare = consumers.reduce((sum, c) => sum + config.consumers[c].maxConcurrency, 0);
  const apiShare = databaseBudget - consumerShare - scheduled.length;
  const perApiFunction = api.length > 0 ? Math.floor(apiShare / api.length) : 0;
  if (api.length > 0 && perApiFunction < 1) {
    throw new ConfigError(
      `concurrency.databaseBudget: ${databaseBudget} leaves ${apiShare} executions for ${api.length} API functions ` +
        `after the consumers' maxConcurrency (${consumerShare}) and ${scheduled.length} scheduled functions; ` +
        `raise it to at least ${consumerShare + scheduled.length + api.length}`,
    );
  }
  const reserved = new Map<string, number>([
    ...api.map((f) => [f.id, perApiFunction] as const),
    ...scheduled.map((f) => [f.id, 1] as const),
  ]);
  const reservedTotal = [...reserved.values()].reduce((sum, n) => sum + n, 0);
  if (reservedTotal > accountLimit - UNRESERVED_MINIMUM) {
    throw new ConfigError(
      `concurrency.databaseBudget: it reserves ${reservedTotal} concurrent executions, but an account limit of ` +
        `${accountLimit} (concurrency.accountLimit) allows ${accountLimit - UNRESERVED_MINIMUM} (Lambda keeps ` +
        `${UNRESERVED_MINIMUM} unreserved); lower the budget or raise the quota with a Service Quotas request`,
    );
  }
  if (consumerShare > accountLimit - reservedTotal) {
    throw new ConfigError(
      `concurrency.accountLimit: the consumers may run ${consumerShare} executions at once, but an account limit ` +
        `of ${accountLimit} leaves ${accountLimit - reservedTotal} unreserved`,
    );
  }
  return {
    reserved,
    database: { api: perApiFunction * api.length, consumers: consumerShare, scheduled: scheduled.length },
    reservedTotal,
  };
}
