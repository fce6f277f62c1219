import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CfnOutput, DockerImage, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { plainRemovalPolicy, type RamPayStackProps } from './names';

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

/** A fixed name, so that the content stack finds the bucket without a cross-stack export. */
const bucketName = (stack: Stack, envName: string) =>
  `rampay-${envName}-console-${stack.account}-${stack.region}`;

/** How cdk-nag writes this stack's account, region and partition in a finding (pinned or environment-agnostic). */
function nagNames(stack: Stack) {
  const agnostic = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  return {
    account: agnostic(stack.account, 'AccountId'),
    region: agnostic(stack.region, 'Region'),
    partition: Token.isUnresolved(stack.region) ? '<AWS::Partition>' : 'aws',
  };
}

/**
 * Where the console's files live and how browsers reach them: a private S3 bucket read only by CloudFront
 * (origin access control), HTTPS only, and a response headers policy with a content security policy that lets the
 * page talk to the region's API Gateway and Cognito endpoints and nothing else. Deployed before the API, which
 * needs the console's address for the sign-in client and CORS.
 */
export class ConsoleStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: RamPayStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.bucket = new s3.Bucket(this, 'Files', {
      bucketName: bucketName(this, config.name),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: plainRemovalPolicy(config),
      autoDeleteObjects: config.removalPolicy === 'destroy',
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds the public console build only, written by the deployment; reads go through CloudFront.',
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `rampay-${config.name}-console`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            `connect-src 'self' https://*.execute-api.${this.region}.amazonaws.com https://*.amazoncognito.com`,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self' https://*.amazoncognito.com",
            "object-src 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `RamPay ${config.name} console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    for (const [id, reason] of [
      ['AwsSolutions-CFR1', 'Merchants and operators sign in from any country; no geographic restriction.'],
      [
        'AwsSolutions-CFR2',
        'The distribution serves static files only; every data request goes to the API, which has its own throttling and authorizer.',
      ],
      [
        'AwsSolutions-CFR3',
        'Static public files only: no personal data passes through the distribution, so no access log is kept.',
      ],
      [
        'AwsSolutions-CFR4',
        'The default CloudFront certificate (*.cloudfront.net) allows no minimum TLS setting; a custom domain with TLS 1.2 is a deployment option.',
      ],
    ] as const) {
      Validations.of(this.distribution).acknowledge({ id, reason });
    }
    this.url = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'ConsoleUrl', { value: this.url });
  }
}

export interface ConsoleContentStackProps extends RamPayStackProps {
  console: ConsoleStack;
  apiUrl: string;
  signIn: { domain: string; clientId: string; scopes: string[] };
}

/**
 * The console's files and its config.json (the API's address and the hosted UI's client), uploaded after the API
 * exists, with the distribution's cache cleared. The build runs at synth (`vite build console`).
 */
export class ConsoleContentStack extends Stack {
  constructor(scope: Construct, id: string, props: ConsoleContentStackProps) {
    super(scope, id, props);
    const site = s3deploy.Source.asset(path.join(REPOSITORY_ROOT, 'console'), {
      exclude: ['dist', 'node_modules'],
      bundling: {
        image: DockerImage.fromRegistry('node:22'),
        local: {
          tryBundle(outputDir) {
            const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
            execFileSync(
              process.execPath,
              [vite, 'build', 'console', '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'],
              { cwd: REPOSITORY_ROOT, stdio: 'inherit' },
            );
            return true;
          },
        },
      },
    });
    const config = s3deploy.Source.jsonData('config.json', {
      apiUrl: props.apiUrl.replace(/\/$/, ''),
      signIn: { kind: 'cognito', ...props.signIn },
    });
    this.addStackDependency(props.console);
    new s3deploy.BucketDeployment(this, 'Files', {
      destinationBucket: s3.Bucket.fromBucketName(this, 'Bucket', bucketName(this, props.config.name)),
      sources: [site, config],
      distribution: props.console.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
    });
    const nag = nagNames(this);
    // The deployment's copy function is CDK's own singleton (aws-s3-deployment): its role and runtime are CDK's.
    for (const [id, reason] of [
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's BucketDeployment function writes its logs with the AWS-maintained basic execution role; it has no other managed policy.",
      ],
      ...[
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Resource::*',
        `Resource::arn:${nag.partition}:s3:::cdk-hnb659fds-assets-${nag.account}-${nag.region}/*`,
        `Resource::arn:${nag.partition}:s3:::rampay-${props.config.name}-console-${nag.account}-${nag.region}/*`,
      ].map(
        (finding) =>
          [
            `AwsSolutions-IAM5[${finding}]`,
            "CDK's BucketDeployment grants: read the staged asset, copy into and prune the console bucket only, and create CloudFront invalidations (which have no resource-level permission).",
          ] as const,
      ),
      [
        'AwsSolutions-L1',
        "CDK's BucketDeployment function runs the runtime the installed aws-cdk-lib chooses; it moves with aws-cdk-lib upgrades.",
      ],
    ] as const) {
      Validations.of(this).acknowledge({ id, reason });
    }
  }
}
