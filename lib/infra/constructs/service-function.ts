import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { REPEATABLE_FOLDER, repeatableFolders } from '../../../functions/shared/db/sql-layout';
import { REPO_ROOT } from '../config/functions';
import { BUNDLING } from '../config/bundling';
import type { EnvironmentConfig } from '../config/schema';

/**
 * How a function signs in to PostgreSQL. Every function: IAM database authentication to RDS Proxy as `user`
 * (rds-db:connect on that proxy and user; no password anywhere). The deploy-time migrator alone, which goes straight
 * to the instance: the password in the database secret.
 */
export type DatabaseSignIn =
  | { kind: 'iam'; proxy: rds.IDatabaseProxy; user: string }
  | { kind: 'secret'; secret: secretsmanager.ISecret };

/** Where a function finds the database: the endpoint, how it signs in, the client group. */
export interface DatabaseAccess {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  /** The only security group the database (proxy) accepts connections from. */
  clientSecurityGroup: ec2.ISecurityGroup;
  signIn: DatabaseSignIn;
  host: string;
  port: number;
  databaseName: string;
}

/** A folder of the repository copied into the bundle (e.g. SQL migrations, model files). */
export interface BundleCopy {
  /** Relative to the repository root. */
  from: string;
  /** Relative to the bundle root (/var/task on Lambda). */
  to: string;
  /** A shell glob of the files to copy (default: the whole folder). */
  pattern?: string;
}

/** Where the migrator's bundle holds its migrations (MIGRATIONS_DIR on Lambda). */
export const BUNDLED_MIGRATIONS_DIR = '/var/task/migrations';

/**
 * The migrator's bundle: the versioned migrations, and every repeatable stored-function file (each `sql/` folder
 * under functions/) collected into their `repeatable` folder, where migrate() finds them (MIGRATIONS_DIR).
 */
export function migratorBundle(): Required<Pick<ServiceFunctionProps, 'environment' | 'copy'>> {
  return {
    environment: { MIGRATIONS_DIR: BUNDLED_MIGRATIONS_DIR },
    copy: [
      { from: 'functions/shared/db/migrations', to: 'migrations' },
      ...repeatableFolders(path.join(REPO_ROOT, 'functions')).map((folder) => ({
        from: path.relative(REPO_ROOT, folder).split(path.sep).join('/'),
        to: `migrations/${REPEATABLE_FOLDER}`,
        pattern: '*.sql',
      })),
    ],
  };
}

export interface ServiceFunctionProps {
  config: EnvironmentConfig;
  /** POWERTOOLS_SERVICE_NAME. */
  service: string;
  /** Handler file relative to the repository root. */
  entry: string;
  /** Physical name suffix: the function is named rampay-<env>-<name>. */
  name: string;
  description?: string;
  memoryMb: number;
  timeout: Duration;
  reservedConcurrency?: number;
  environment?: Record<string, string>;
  /** Set for functions that reach PostgreSQL; they, and only they, run in the VPC. */
  database?: DatabaseAccess;
  layers?: lambda.ILayerVersion[];
  /** Modules left out of the bundle because a layer provides them. */
  externalModules?: string[];
  copy?: BundleCopy[];
}

/**
 * A Lambda function with RamPay's defaults in one place: NodejsFunction bundled locally by esbuild to minified
 * ESM with source maps and the AWS SDK inside the bundle (faster cold starts than the runtime's copy, and the
 * version we tested), nodejs22.x on arm64, X-Ray active, Powertools settings, its own log group with the
 * environment's retention, and a role that holds only what is granted to it.
 */
export class ServiceFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { config } = props;
    const functionName = `rampay-${config.name}-${props.name}`;

    // Named by CloudFormation (the function logs to it through its logging config): a retained log group with a
    // fixed name would make a retry after a failed first deployment fail with "already exists".
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.config.logRetentionDays as logs.RetentionDays,
      removalPolicy:
        config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    // A role of our own instead of the default one: logs go to the one log group above, not logs:* on "*".
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName} execution role`,
    });
    this.logGroup.grantWrite(this.role);
    if (props.database) {
      this.role.addManagedPolicy(
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      );
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWS-maintained policy with only the ec2 network-interface actions Lambda needs to attach a function to the VPC; it grants no data access.',
      });
    }

    const copies = props.copy ?? [];
    const database = props.database;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: props.description,
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // With JSON logs Lambda filters by its own level (INFO by default): keep it in step with Powertools'.
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      layers: props.layers,
      awsSdkConnectionReuse: false,
      environment: {
        RAMPAY_ENV: config.name,
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_METRICS_NAMESPACE: 'RamPay',
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...(database
          ? {
              ...(database.signIn.kind === 'iam'
                ? { DB_USER: database.signIn.user }
                : { DB_SECRET_ARN: database.signIn.secret.secretArn }),
              DB_HOST: database.host,
              DB_PORT: String(database.port),
              DB_NAME: database.databaseName,
              DB_SSL: 'verify-full',
            }
          : {}),
        ...props.environment,
      },
      ...(database
        ? {
            vpc: database.vpc,
            vpcSubnets: database.subnets,
            securityGroups: [database.clientSecurityGroup],
            allowPublicSubnet: false,
          }
        : {}),
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: BUNDLING.target,
        mainFields: BUNDLING.mainFields,
        banner: BUNDLING.banner,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourceMap,
        sourcesContent: BUNDLING.sourcesContent,
        bundleAwsSDK: true,
        externalModules: props.externalModules ?? [],
        esbuildArgs: {
          '--alias': Object.entries(BUNDLING.alias).map(([from, to]) => `${from}=${to}`),
        },
        metafile: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...copies.map((c) => {
              const from = path.posix.join(inputDir, c.from);
              const to = path.posix.join(outputDir, c.to);
              const source = c.pattern ? `"${from}"/${c.pattern}` : `"${from}/."`;
              return `mkdir -p "${to}" && cp -R ${source} "${to}"`;
            }),
            // Only RamPay's own sources in the map: cold starts parse less (lib/infra/config/source-map.ts).
            `"${path.posix.join(inputDir, 'node_modules/.bin/tsx')}" "${path.posix.join(inputDir, 'bin/trim-source-map.ts')}" "${path.posix.join(outputDir, 'index.mjs.map')}"`,
          ],
        },
      },
    });

    if (database?.signIn.kind === 'iam') database.signIn.proxy.grantConnect(this.role, database.signIn.user);
    if (database?.signIn.kind === 'secret') database.signIn.secret.grantRead(this.function);

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords), which do not support resource-level permissions.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose: it is the runtime the code is tested against; a runtime upgrade is its own tested change.',
    });
  }
}
