import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { ValkeyCache } from '../constructs/valkey-cache';
import { migratorBundle, ServiceFunction, type DatabaseAccess } from '../constructs/service-function';
import { dataRemovalPolicy, plainRemovalPolicy, stackSuffix, type RamPayStackProps } from './names';
import type { NetworkStack } from './network-stack';

/** RDS Proxy for PostgreSQL always listens on 5432, whatever the instance's port. */
const PROXY_PORT = 5432;
/** The database user of the generated secret: the proxy signs in to the instance as it with the secret's password. */
const DATABASE_USER = 'rampay_admin';

export interface DataStackProps extends RamPayStackProps {
  network: NetworkStack;
}

/**
 * PostgreSQL 16 on RDS behind RDS Proxy. Only members of the database client security group reach the proxy,
 * only the proxy (plus the deploy-time migrator and the rotation function) reaches the instance, and TLS is
 * required on both hops. Functions sign in to the proxy with IAM (rds-db:connect on this proxy and user, an auth
 * token instead of a password); the proxy signs in to the instance with the credentials in a rotated Secrets
 * Manager secret, which only the proxy, the rotation function and the deploy-time migrator read.
 */
export class DataStack extends Stack {
  readonly instance: rds.DatabaseInstance;
  readonly proxy: rds.DatabaseProxy;
  readonly secret: secretsmanager.ISecret;
  /** Functions that need the database join this group; the proxy accepts connections from nothing else. */
  readonly clientSecurityGroup: ec2.SecurityGroup;
  /** What a ServiceFunction needs to reach the database through the proxy. */
  readonly access: DatabaseAccess;
  readonly migrator: ServiceFunction;
  /** Valkey for rate limits and hot reads, reachable from the same functions as the database. */
  readonly cache: ValkeyCache;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const db = config.database;
    const vpc = network.vpc;
    const identifier = `rampay-${config.name}`;
    // Retained outside dev, so a name of its own per stack: a retry after a failed first deployment must not meet
    // the instance (or its log group) that the failed one kept.
    const instanceIdentifier = `${identifier}-${stackSuffix()}`;

    const instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc,
      description: 'RamPay PostgreSQL instance: from the proxy, the migrator and secret rotation only',
      allowAllOutbound: false,
    });
    const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc,
      description: 'RamPay RDS Proxy: from the database client group only',
      allowAllOutbound: true,
    });
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc,
      description: 'Functions that use the database: to the proxy and to the VPC endpoints only',
      allowAllOutbound: false,
    });
    this.clientSecurityGroup.addEgressRule(
      ec2.Peer.ipv4(config.network.cidr),
      ec2.Port.tcp(443),
      'AWS APIs through the VPC interface endpoints',
    );

    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_13 });
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'RamPay PostgreSQL 16: TLS only, slow statements logged',
      parameters: {
        'rds.force_ssl': '1',
        log_min_duration_statement: '500',
        log_connections: '1',
        log_disconnections: '1',
      },
    });

    // Created here (not by RDS) so the retention and removal policy are ours, without a log-retention Lambda.
    const postgresLogs = new logs.LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/postgresql`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: plainRemovalPolicy(config),
    });

    // Generated in Secrets Manager (the value never appears in the template); a retained database keeps it. Named
    // by CloudFormation: a retained secret would block its own name on a retry, and nothing looks it up by name.
    const credentials = new rds.DatabaseSecret(this, 'DatabaseCredentials', { username: DATABASE_USER });
    credentials.applyRemovalPolicy(plainRemovalPolicy(config));

    this.instance = new rds.DatabaseInstance(this, 'Database', {
      instanceIdentifier,
      engine,
      instanceType: new ec2.InstanceType(db.instanceType),
      vpc,
      vpcSubnets: network.dataSubnets,
      securityGroups: [instanceSecurityGroup],
      credentials: rds.Credentials.fromSecret(credentials),
      databaseName: db.databaseName,
      port: db.port,
      parameterGroup,
      multiAz: db.multiAz,
      allocatedStorage: db.allocatedStorageGiB,
      maxAllocatedStorage: db.maxAllocatedStorageGiB,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      backupRetention: Duration.days(db.backupRetentionDays),
      copyTagsToSnapshot: true,
      deletionProtection: db.deletionProtection,
      removalPolicy: dataRemovalPolicy(config),
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: db.performanceInsights,
      performanceInsightRetention: db.performanceInsights
        ? (db.performanceInsightsRetentionDays as rds.PerformanceInsightRetention)
        : undefined,
      cloudwatchLogsExports: ['postgresql'],
      publiclyAccessible: false,
      iamAuthentication: false,
    });
    this.instance.node.addDependency(postgresLogs);
    const secret = this.instance.secret;
    if (!secret) throw new Error('the database instance has no generated secret');
    this.secret = secret;

    this.instance.addRotationSingleUser({
      automaticallyAfter: Duration.days(db.rotationDays),
      vpcSubnets: network.appSubnets,
    });

    this.proxy = this.instance.addProxy('Proxy', {
      dbProxyName: identifier,
      vpc,
      vpcSubnets: network.dataSubnets,
      securityGroups: [proxySecurityGroup],
      secrets: [secret],
      requireTLS: true,
      // Clients must present an IAM auth token (signed by their role, valid 15 minutes) instead of a password.
      iamAuth: true,
      clientPasswordAuthType: rds.ClientPasswordAuthType.POSTGRES_SCRAM_SHA_256,
      idleClientTimeout: Duration.minutes(30),
      maxConnectionsPercent: 90,
      debugLogging: false,
    });
    this.proxy.connections.allowFrom(
      this.clientSecurityGroup,
      ec2.Port.tcp(PROXY_PORT),
      'RamPay functions that use the database',
    );

    this.access = {
      vpc,
      subnets: network.appSubnets,
      clientSecurityGroup: this.clientSecurityGroup,
      signIn: { kind: 'iam', proxy: this.proxy, user: DATABASE_USER },
      host: this.proxy.endpoint,
      port: PROXY_PORT,
      databaseName: db.databaseName,
    };

    this.cache = new ValkeyCache(this, 'Cache', {
      config,
      vpc,
      subnets: network.dataSubnets,
      clientSecurityGroup: this.clientSecurityGroup,
    });

    // Migrations go straight to the instance: a new proxy's target can take minutes to register, and DDL pins
    // proxy sessions anyway. The instance's IAM authentication stays off, so the migrator alone reads the secret.
    const migratorSecurityGroup = new ec2.SecurityGroup(this, 'MigratorSecurityGroup', {
      vpc,
      description: 'Deploy-time migrator: to the database instance and the VPC endpoints only',
      allowAllOutbound: false,
    });
    migratorSecurityGroup.addEgressRule(
      ec2.Peer.ipv4(config.network.cidr),
      ec2.Port.tcp(443),
      'VPC endpoints',
    );
    this.instance.connections.allowFrom(
      migratorSecurityGroup,
      ec2.Port.tcp(db.port),
      'Deploy-time migrations',
    );
    this.migrator = new ServiceFunction(this, 'Migrator', {
      config,
      service: 'migrations',
      name: 'migrate',
      entry: 'functions/shared/db/migrate-handler.ts',
      description: 'Applies SQL migrations on deploy (CDK Trigger)',
      memoryMb: config.lambda.migration.memoryMb,
      timeout: Duration.seconds(config.lambda.migration.timeoutSeconds),
      database: {
        ...this.access,
        clientSecurityGroup: migratorSecurityGroup,
        signIn: { kind: 'secret', secret },
        host: this.instance.dbInstanceEndpointAddress,
        port: db.port,
      },
      ...migratorBundle(),
    });
    // Runs whenever the bundle changes (a new migration changes it); migrate() skips what is applied already.
    const migrateOnDeploy = new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: this.migrator.function,
      // The instance resource itself, not the construct: its children include the rotation set up below.
      executeAfter: [this.instance.node.defaultChild as Construct],
      executeOnHandlerChange: true,
      timeout: Duration.seconds(config.lambda.migration.timeoutSeconds),
    });
    // A new rotation schedule rotates at once: on the first deployment it waits until the migrations have run, so
    // the migrator does not sign in while the password changes. Later rotations can still meet a running
    // migrator, which reads the secret again when the database refuses its password.
    for (const schedule of secret.node
      .findAll()
      .filter((c) => c instanceof secretsmanager.CfnRotationSchedule)) {
      schedule.node.addDependency(migrateOnDeploy);
    }

    if (!db.multiAz) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS3',
        reason: `Single-AZ is a cost choice for the '${config.name}' environment (config database.multiAz); prod is Multi-AZ.`,
      });
    }
    if (!db.deletionProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: `The '${config.name}' environment is meant to be destroyed with cdk destroy; staging and prod enable deletion protection.`,
      });
    }

    new CfnOutput(this, 'DatabaseProxyEndpoint', { value: this.proxy.endpoint });
    // What a client of the proxy needs: no secret, an IAM auth token for this user (see the README).
    new CfnOutput(this, 'DatabaseUser', { value: DATABASE_USER });
    // Transitional, remove in the release after this one: before IAM authentication the api and services stacks
    // imported the secret's ARN. CloudFormation refuses to delete an export another stack still imports, and this
    // stack deploys first, so the export stays (same name, nothing imports it) until every environment has deployed
    // the stacks that no longer import it.
    this.exportValue(secret.secretArn);
  }
}
