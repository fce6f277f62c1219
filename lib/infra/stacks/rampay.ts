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
import { ConsoleContentStack, ConsoleStack } from './console-stack';

export interface RamPayApp {
  network: NetworkStack;
  data: DataStack;
  messaging: MessagingStack;
  api: ApiStack;
  services: ServicesStack;
  observability: ObservabilityStack;
  /** The console's hosting and files: with a Cognito user pool only (its hosted UI signs users in). */
  console?: { hosting: ConsoleStack; content: ConsoleContentStack };
}

/**
 * The stacks of one environment (the console's two only with a Cognito user pool). `env` is left undefined unless the config or the CDK CLI names an account
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
  const consoleHosting =
    config.auth.kind === 'cognito'
      ? new ConsoleStack(
          app,
          stackName(config, 'console'),
          base('console', 'console hosting (S3, CloudFront)'),
        )
      : undefined;
  const api = new ApiStack(app, stackName(config, 'api'), {
    ...base('api', 'HTTP API, JWT authorizer, API functions'),
    data,
    messaging,
    functions: functions.filter((f) => f.trigger.kind === 'api' || f.trigger.kind === 'token'),
    concurrency,
    ...(consoleHosting ? { consoleUrl: consoleHosting.url } : {}),
  });
  const consoleContent =
    consoleHosting && api.consoleSignIn
      ? new ConsoleContentStack(app, stackName(config, 'console-content'), {
          ...base('console-content', "the console's files and config"),
          console: consoleHosting,
          apiUrl: api.stage.url,
          signIn: api.consoleSignIn,
        })
      : undefined;
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

  const consoleStacks = consoleHosting && consoleContent ? [consoleHosting, consoleContent] : [];
  for (const stack of [network, data, messaging, api, services, observability, ...consoleStacks]) {
    Aspects.of(stack).add(new ActiveTracing());
    Tags.of(stack).add('project', 'rampay');
    Tags.of(stack).add('environment', config.name);
  }
  return {
    network,
    data,
    messaging,
    api,
    services,
    observability,
    ...(consoleHosting && consoleContent
      ? { console: { hosting: consoleHosting, content: consoleContent } }
      : {}),
  };
}
