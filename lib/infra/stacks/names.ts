import { Arn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/schema';

export type StackPart = 'network' | 'data' | 'messaging' | 'api' | 'services' | 'observability';

/** RamPay-<env>-<part>: two environments can share one account without a name clash. */
export function stackName(config: EnvironmentConfig, part: StackPart): string {
  return `RamPay-${config.name}-${part}`;
}

/** Stateful resources: kept (or snapshotted) outside dev. */
export function dataRemovalPolicy(config: EnvironmentConfig): RemovalPolicy {
  switch (config.removalPolicy) {
    case 'destroy':
      return RemovalPolicy.DESTROY;
    case 'snapshot':
      return RemovalPolicy.SNAPSHOT;
    case 'retain':
      return RemovalPolicy.RETAIN;
  }
}

/** For resources without snapshots (log groups, keys, topics): destroy in dev, retain elsewhere. */
export function plainRemovalPolicy(config: EnvironmentConfig): RemovalPolicy {
  return config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
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
