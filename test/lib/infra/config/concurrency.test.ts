import {
  ConfigError,
  ENVIRONMENT_NAMES,
  loadConfig,
  type EnvironmentConfig,
} from '../../../../lib/infra/config';
import { planConcurrency, UNRESERVED_MINIMUM } from '../../../../lib/infra/config/concurrency';
import { FUNCTIONS } from '../../../../lib/infra/config/functions';
import { PARTS, synthesize } from '../synth';

const functions = FUNCTIONS;
const apiFunctions = functions.filter((f) => f.trigger.kind === 'api');
const withConcurrency = (
  config: EnvironmentConfig,
  concurrency: Partial<EnvironmentConfig['concurrency']>,
): EnvironmentConfig => ({ ...config, concurrency: { ...config.concurrency, ...concurrency } });

function problemOf(config: EnvironmentConfig): string {
  try {
    planConcurrency(config, functions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('concurrency from one budget per environment', () => {
  it.each(ENVIRONMENT_NAMES)(
    '%s: reservations leave 100 unreserved and everything on the database fits the budget',
    (name) => {
      const config = loadConfig(name);
      const plan = planConcurrency(config, functions);
      expect(plan.reservedTotal).toBeLessThanOrEqual(config.concurrency.accountLimit - UNRESERVED_MINIMUM);
      const onDatabase = plan.database.api + plan.database.consumers + plan.database.scheduled;
      expect(onDatabase).toBeLessThanOrEqual(config.concurrency.databaseBudget);
      const shares = apiFunctions.map((f) => plan.reserved.get(f.id));
      expect(new Set(shares).size).toBe(1);
      expect(shares[0]).toBeGreaterThanOrEqual(1);
    },
  );

  it('gives the API functions what the consumers and scheduled functions leave of the budget', () => {
    const config = withConcurrency(loadConfig('prod'), { databaseBudget: 800 });
    const consumers = Object.values(config.consumers).reduce((sum, c) => sum + c.maxConcurrency, 0);
    const scheduled = functions.filter((f) => f.trigger.kind === 'schedule').length;
    const plan = planConcurrency(config, functions);
    expect(plan.reserved.get('CreatePayment')).toBe(
      Math.floor((800 - consumers - scheduled) / apiFunctions.length),
    );
    expect(plan.reserved.get('OutboxRelay')).toBe(1);
    expect(plan.reserved.has('FraudConsumer')).toBe(false);
  });

  it('stops synth naming the field when the budget cannot give every API function one execution', () => {
    const message = problemOf(withConcurrency(loadConfig('dev'), { databaseBudget: 5 }));
    expect(message).toMatch(/^concurrency\.databaseBudget: 5 leaves/);
    expect(message).toContain('raise it to at least');
  });

  it('stops synth naming the field when reservations exceed what the account quota allows', () => {
    const message = problemOf(withConcurrency(loadConfig('prod'), { databaseBudget: 2000 }));
    expect(message).toMatch(/^concurrency\.databaseBudget: it reserves \d+ concurrent executions/);
    expect(message).toContain('Service Quotas');
    expect(
      planConcurrency(
        withConcurrency(loadConfig('prod'), { databaseBudget: 2000, accountLimit: 3000 }),
        functions,
      ).reservedTotal,
    ).toBeGreaterThan(900);
  });

  it('reserves in the synthesized templates exactly what the plan says, within the default quota', () => {
    for (const name of ['dev', 'prod']) {
      const env = synthesize(name);
      const plan = planConcurrency(env.config, functions);
      let total = 0;
      for (const part of PARTS) {
        const resources = env.templates[part].findResources('AWS::Lambda::Function');
        for (const resource of Object.values(resources)) {
          const id = String(resource.Properties.FunctionName).replace(`rampay-${name}-`, '');
          const spec = functions.find(
            (f) => f.id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase() === id,
          );
          const reserved = resource.Properties.ReservedConcurrentExecutions as number | undefined;
          expect([id, reserved]).toEqual([id, spec ? plan.reserved.get(spec.id) : undefined]);
          total += reserved ?? 0;
        }
      }
      expect(total).toBe(plan.reservedTotal);
      expect(total).toBeLessThanOrEqual(900);
    }
  });
});
