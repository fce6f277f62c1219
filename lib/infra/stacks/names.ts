import { Arn, Aws, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/schema';

export type StackPart =
  'network' | 'data' | 'messaging' | 'api' | 'services' | 'observability' | 'console' | 'console-content';

/** RamPay-<env>-<part>: two environments can share one account without a name clash. */
export function stackName(config: EnvironmentConfig, part: StackPart): string {
  return `RamPay-${config.name}-${part}`;
}

/**
 * The first 8 hex digits of the stack's id, a UUID CloudFormation draws when the stack is created. A name that must
 * be chosen by us (RDS writes its logs to a log group named after the instance) carries it, so that a retry after
 * a failed first deployment does not collide with what the failed one retained.
 */
export function stackSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

/**
 * Outside dev, what a stack deletion or replacement leaves behind is kept; what a failed creation made is not
 * (CloudFormation's RetainExceptOnCreate), so the retry of a failed first deployment starts clean.
 */
const RETAIN = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** Stateful resources: kept (or snapshotted) outside dev. */
export function dataRemovalPolicy(config: EnvironmentConfig): RemovalPolicy {
  switch (config.removalPolicy) {
    case 'destroy':
      return RemovalPolicy.DESTROY;
    case 'snapshot':
      return RemovalPolicy.SNAPSHOT;
    case 'retain':
      return RETAIN;
  }
}

/** For resources without snapshots (log groups, keys, topics): destroy in dev, retain elsewhere. */
export function plainRemovalPolicy(config: EnvironmentConfig): RemovalPolicy {
  return config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RETAIN;
}

/** The alarm topic's fixed name, so that alarms in any stack can target it without a cross-stack reference. */
export function alarmTopicName(config: EnvironmentConfig): string {
  return `rampay-${config.name}-alarms`;
}

export function alarmTopicArn(scope: Stack, config: EnvironmentConfig): string {
  return Arn.format({ service: 'sns', resource: alarmTopicName(config) }, scope);
}

export interface RamPayStackProps extends StackProps {
  config: EnvironmentConfig;
}
