import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { MERCHANT_CLAIM, OPERATOR_SCOPE, SCOPES } from '../../../functions/shared/http/auth';
import { ConsoleSignIn } from '../constructs/console-sign-in';
import type { FunctionSpec } from '../config/functions';
import type { ServiceFunction } from '../constructs/service-function';
import type { DataStack } from './data-stack';
import type { ConcurrencyPlan } from '../config/concurrency';
import { buildFunction } from './function-factory';
import type { MessagingStack } from './messaging-stack';
import { plainRemovalPolicy, type RamPayStackProps } from './names';

export interface ApiStackProps extends RamPayStackProps {
  data: DataStack;
  messaging: MessagingStack;
  /** The API rows (and the Cognito token trigger) of the function table whose handlers exist. */
  functions: FunctionSpec[];
  concurrency: ConcurrencyPlan;
  /** The console's address: its sign-in client calls back there, and the API allows it as a CORS origin. */
  consoleUrl?: string;
}

/**
 * The HTTP API: a JWT authorizer (a Cognito user pool with a resource server per environment, or an external
 * issuer from config), one scope per route, access logs, stage throttling, CORS from config, and one Lambda
 * function per handler of the function table.
 */
export class ApiStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly functions: Record<string, ServiceFunction> = {};
  readonly userPool?: cognito.UserPool;
  /** What the issuer puts before RamPay's scope names in a token ('rampay/' with Cognito). */
  readonly scopePrefix: string;
  /** The console's sign-in (with a Cognito user pool and a console): the hosted UI's address and the app client. */
  readonly consoleSignIn?: { domain: string; clientId: string; scopes: string[] };

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    let issuer: string;
    let audience: string[];
    if (config.auth.kind === 'cognito') {
      const pool = new cognito.UserPool(this, 'UserPool', {
        userPoolName: `rampay-${config.name}`,
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        // A console user's merchant (merchant staff); the pre-token trigger puts it in the merchant_id claim.
        customAttributes: {
          [MERCHANT_CLAIM]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        },
        passwordPolicy: {
          minLength: 14,
          requireLowercase: true,
          requireUppercase: true,
          requireDigits: true,
          requireSymbols: true,
        },
        mfa: cognito.Mfa.REQUIRED,
        mfaSecondFactor: { otp: true, sms: false },
        accountRecovery: cognito.AccountRecovery.NONE,
        featurePlan: cognito.FeaturePlan.ESSENTIALS,
        deletionProtection: config.removalPolicy !== 'destroy',
        removalPolicy: plainRemovalPolicy(config),
      });
      Validations.of(pool).acknowledge({
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection (the Plus plan) is not enabled; console users sign in with a 14-character password and a required TOTP second factor, and self sign-up is off.',
      });
      Validations.of(pool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials: console users are created by an administrator (no self sign-up) and need TOTP; the Plus plan threat protection is a later choice per environment.',
      });
      const resourceServer = pool.addResourceServer('ResourceServer', {
        identifier: config.auth.resourceServerId,
        userPoolResourceServerName: `RamPay ${config.name} API`,
        scopes: SCOPES.map(
          (s) => new cognito.ResourceServerScope({ scopeName: s, scopeDescription: `RamPay ${s}` }),
        ),
      });
      // Hosted-domain prefixes are global within a region: the account id makes this one RamPay's own.
      const domain = pool.addDomain('Domain', {
        cognitoDomain: { domainPrefix: `${config.auth.domainPrefix}-${this.account}` },
      });
      // One machine client per environment to start with; merchants get their own clients (README, Deploying).
      const client = pool.addClient('ServiceClient', {
        userPoolClientName: 'rampay-service',
        generateSecret: true,
        authFlows: {},
        oAuth: {
          flows: { clientCredentials: true },
          // A merchant's back end never acts as a fraud operator.
          scopes: SCOPES.filter((s) => s !== OPERATOR_SCOPE).map((s) =>
            cognito.OAuthScope.resourceServer(resourceServer, { scopeName: s, scopeDescription: s }),
          ),
        },
        accessTokenValidity: Duration.minutes(60),
        preventUserExistenceErrors: true,
      });
      const consoleClient = props.consoleUrl
        ? new ConsoleSignIn(this, 'ConsoleSignIn', { pool, resourceServer, consoleUrl: props.consoleUrl })
            .client
        : undefined;
      issuer = `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`;
      audience = [
        client.userPoolClientId,
        ...(consoleClient ? [consoleClient.userPoolClientId] : []),
        ...config.auth.extraClientIds,
      ];
      this.scopePrefix = `${config.auth.resourceServerId}/`;
      if (consoleClient) {
        this.consoleSignIn = {
          domain: domain.baseUrl(),
          clientId: consoleClient.userPoolClientId,
          scopes: SCOPES.map((s) => `${this.scopePrefix}${s}`),
        };
      }
      this.userPool = pool;
      new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
      new CfnOutput(this, 'TokenEndpoint', {
        value: `${domain.baseUrl()}/oauth2/token`,
      });
      new CfnOutput(this, 'ServiceClientId', { value: client.userPoolClientId });
    } else {
      issuer = config.auth.issuer;
      audience = config.auth.audience;
      this.scopePrefix = config.auth.scopePrefix;
    }
    const authorizer = new HttpJwtAuthorizer('Jwt', issuer, { jwtAudience: audience });

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `rampay-${config.name}`,
      description: `RamPay ${config.name} payments API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...config.api.cors.allowOrigins, ...(props.consoleUrl ? [props.consoleUrl] : [])],
        allowMethods: [
          apigwv2.CorsHttpMethod.GET,
          apigwv2.CorsHttpMethod.POST,
          apigwv2.CorsHttpMethod.PUT,
          apigwv2.CorsHttpMethod.DELETE,
          apigwv2.CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        exposeHeaders: ['location'],
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: plainRemovalPolicy(config),
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttle.rateLimit, burstLimit: config.api.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            subject: '$context.authorizer.claims.sub',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    const tokenTrigger = props.functions.find((f) => f.trigger.kind === 'token');
    if (tokenTrigger && this.userPool) {
      const fn = buildFunction(this, tokenTrigger, config.lambda.api, {
        config,
        database: props.data.access,
        topics: props.messaging.topics,
        concurrency: props.concurrency,
      });
      this.functions[tokenTrigger.id] = fn;
      this.userPool.addTrigger(
        cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        fn.function,
        cognito.LambdaVersion.V3_0,
      );
    }

    for (const spec of props.functions) {
      if (spec.trigger.kind !== 'api') continue;
      const fn = buildFunction(this, spec, config.lambda.api, {
        config,
        database: props.data.access,
        topics: props.messaging.topics,
        concurrency: props.concurrency,
        environment: {
          AUTH_SCOPE_PREFIX: this.scopePrefix,
          // Per-merchant rate limits (functions/shared/http/rate-limit.ts) in the cache.
          RATE_LIMITS: JSON.stringify(config.rateLimits),
          CACHE_ENDPOINT: props.data.cache.endpoint,
          CACHE_NAME: props.data.cache.cacheName,
          CACHE_USER: props.data.cache.userId,
        },
        webhookSecretsKey: props.messaging.webhookSecretsKey,
      });
      props.data.cache.grantConnect(fn.function);
      this.functions[spec.id] = fn;
      const integration = new HttpLambdaIntegration(`${spec.id}Integration`, fn.function);
      const { route } = spec.trigger;
      const isPublic = route.scope === 'public';
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method as keyof typeof apigwv2.HttpMethod]],
        integration,
        authorizer: isPublic ? new apigwv2.HttpNoneAuthorizer() : authorizer,
        authorizationScopes: isPublic ? undefined : [`${this.scopePrefix}${route.scope}`],
      });
      if (isPublic && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is the unauthenticated liveness probe; it returns no merchant data.`,
        });
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }
}
