import { Aspects, Tags, type App, type Environment } from 'aws-cdk-lib';
import { ActiveTracing } from '../constructs/active-tracing';
import { planConcurrency } from '../config/concurrency';
import { checkedFunctions } from '../config/functions';
import type { EnvironmentConfig } from '../config/schema';
import { ApiStack } from './api-stack';
import { DataStack } from './data-stack';
import { MessagingStack } from './messaging-stack';
import { stackName } from './names';
import { NetworkStack } from './network-stack';
import { ObservabilityStack } from './observability-stack';
import { ServicesStack } from './services-stack';

export interface RamPayApp {
  network: NetworkStack;
  data: DataStack;
  messaging: MessagingStack;
  api: ApiStack;
  services: ServicesStack;
  observability: ObservabilityStack;
}

/**
 * All six stacks of one environment. `env` is left undefined unless the config or the CDK CLI names an account
 * and region: environment-agnostic stacks synthesize offline, without credentials or context lookups.
 */
export function createRamPay(
  app: App,
  config: EnvironmentConfig,
  options: { env?: Environment } = {},
): RamPayApp {
  const env = options.env;
  const functions = checkedFunctions();
  const concurrency = planConcurrency(config, functions);
  const base = (part: Parameters<typeof stackName>[1], description: string) => ({
    config,
    env,
    stackName: stackName(config, part),
    description: `RamPay ${config.name}: ${description}`,
    terminationProtection: config.removalPolicy !== 'destroy',
  });

  const network = new NetworkStack(
    app,
    stackName(config, 'network'),
    base('network', 'VPC, endpoints, flow logs'),
  );
  const data = new DataStack(app, stackName(config, 'data'), {
    ...base('data', 'PostgreSQL, RDS Proxy, secrets, migrations'),
    network,
  });
  const messaging = new MessagingStack(
    app,
    stackName(config, 'messaging'),
    base('messaging', 'event topics, KMS'),
  );
  const api = new ApiStack(app, stackName(config, 'api'), {
    ...base('api', 'HTTP API, JWT authorizer, API functions'),
    data,
    messaging,
    functions: functions.filter((f) => f.trigger.kind === 'api' || f.trigger.kind === 'token'),
    concurrency,
  });
  const services = new ServicesStack(app, stackName(config, 'services'), {
    ...base('services', 'outbox relay, event consumers'),
    data,
    messaging,
    functions: functions.filter((f) => f.trigger.kind === 'schedule' || f.trigger.kind === 'consumer'),
    concurrency,
  });
  const observability = new ObservabilityStack(app, stackName(config, 'observability'), {
    ...base('observability', 'dashboard, alarms'),
    api,
    data,
    functions: { ...api.functions, ...services.functions },
    consumers: services.consumers,
  });

  for (const stack of [network, data, messaging, api, services, observability]) {
    Aspects.of(stack).add(new ActiveTracing());
    Tags.of(stack).add('project', 'rampay');
    Tags.of(stack).add('environment', config.name);
  }
  return { network, data, messaging, api, services, observability };
}
