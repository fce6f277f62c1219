import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
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
 * serverless caches) and encryption at rest; one application user signs in with IAM authentication (a token the
 * functions sign with their role, functions/shared/cache/iam-token.ts), so there is no password to keep or read.
 * Nothing in it is the only copy of anything.
 */
export class ValkeyCache extends Construct {
  readonly cache: elasticache.CfnServerlessCache;
  /** The application user's id (equal to its name, as IAM authentication requires): CACHE_USER. */
  readonly userId: string;
  private readonly user: elasticache.CfnUser;
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

    this.userId = `rampay-${config.name}-app`;
    this.user = new elasticache.CfnUser(this, 'AppUser', {
      engine: 'valkey',
      userId: this.userId,
      userName: this.userId,
      // Its own keys only (rate limits, replay markers, hot reads), no administrative commands.
      accessString: 'on ~* +@all -@dangerous',
      authenticationMode: { Type: 'iam' },
    });
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'valkey',
      userGroupId: `rampay-${config.name}`,
      userIds: [this.user.userId],
    });
    userGroup.node.addDependency(this.user);

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

  /** Lets a function sign in as the application user (elasticache:Connect on the cache and the user). */
  grantConnect(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticache:Connect'],
      resourceArns: [this.cache.attrArn, this.user.attrArn],
    });
  }
}
