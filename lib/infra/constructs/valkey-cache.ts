import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';

export interface ValkeyCacheProps {
  config: EnvironmentConfig;
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  /** The functions' security group: the only one that may reach the cache. */
  clientSecurityGroup: ec2.SecurityGroup;
}

/** ElastiCache Serverless listens on 6379 (primary) and 6380 (reads from replicas). */
const CACHE_PORTS = ec2.Port.tcpRange(6379, 6380);

/**
 * ElastiCache Serverless for Valkey: rate-limit buckets, replay markers and hot reads (functions/shared/cache).
 * In the VPC's data subnets, reachable from the functions' security group alone; TLS in transit (always on for
 * serverless caches) and encryption at rest; one application user signs in with a password kept in Secrets
 * Manager (the functions read it: CACHE_SECRET_ARN). Nothing in it is the only copy of anything.
 */
export class ValkeyCache extends Construct {
  readonly cache: elasticache.CfnServerlessCache;
  readonly secret: secretsmanager.Secret;
  readonly securityGroup: ec2.SecurityGroup;
  /** `host:port`, what the functions get as CACHE_ENDPOINT. */
  readonly endpoint: string;
  readonly cacheName: string;

  constructor(scope: Construct, id: string, props: ValkeyCacheProps) {
    super(scope, id);
    const { config } = props;
    this.cacheName = `rampay-${config.name}`;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'RamPay Valkey cache: from the functions security group only',
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(props.clientSecurityGroup, CACHE_PORTS, 'RamPay functions');

    this.secret = new secretsmanager.Secret(this, 'UserSecret', {
      description: `RamPay ${config.name} Valkey application user`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'rampay-app' }),
        generateStringKey: 'password',
        // ElastiCache passwords: 16-128 printable characters, without spaces, quotes or @.
        excludePunctuation: true,
        passwordLength: 64,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cache password changes with a new deployment of the user (a new secret value); the cache holds only rebuildable, seconds-to-a-day data, and it is reachable from the functions security group alone.',
    });

    const user = new elasticache.CfnUser(this, 'AppUser', {
      engine: 'valkey',
      userId: `rampay-${config.name}-app`,
      userName: 'rampay-app',
      // Its own keys only (rate limits, replay markers, hot reads), no administrative commands.
      accessString: 'on ~* +@all -@dangerous',
      authenticationMode: {
        Type: 'password',
        Passwords: [this.secret.secretValueFromJson('password').unsafeUnwrap()],
      },
    });
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'valkey',
      userGroupId: `rampay-${config.name}`,
      userIds: [user.userId],
    });
    userGroup.node.addDependency(user);

    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: this.cacheName,
      description: `RamPay ${config.name}: rate limits, replay markers, hot reads`,
      engine: 'valkey',
      majorEngineVersion: '8',
      securityGroupIds: [this.securityGroup.securityGroupId],
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
      userGroupId: userGroup.userGroupId,
      cacheUsageLimits: {
        dataStorage: { maximum: config.cache.maxDataStorageGiB, unit: 'GB' },
        ecpuPerSecond: { maximum: config.cache.maxEcpuPerSecond },
      },
    });
    this.cache.node.addDependency(userGroup);
    this.endpoint = `${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
  }
}
