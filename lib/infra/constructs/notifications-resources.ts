/**
 * What the notifications service needs besides its function: the SES identity mail is sent from (with Easy DKIM),
 * a configuration set (TLS required, reputation metrics, account suppression of bounces and complaints, SES events
 * as CloudWatch metrics per template), the identities verified for the SES sandbox, the key of the recipient
 * HMAC in Secrets Manager, least-privilege grants, and the function's environment.
 *
 * The services stack creates one per environment from config.notifications and applies it to the
 * NotificationsConsumer function: `resources.environment` into its environment, `resources.templatesCopy` into its
 * bundle, and `resources.grantSend(fn)`.
 */
import { Arn, CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface NotificationsResourcesProps {
  /** A verified domain (rampay.example) or address (ops@rampay.example) mail is sent from. */
  senderIdentity: string;
  /** The From address; must belong to senderIdentity. */
  fromAddress: string;
  configurationSetName: string;
  /** Where AnomalyDetected hold/decline alerts go. */
  fraudOpsAddress: string;
  /** Per-merchant overrides of fraudOpsAddress. */
  fraudOpsAddressByMerchant?: Record<string, string>;
  /**
   * Create the SES identity here (default). False when the identity is managed elsewhere (e.g. shared by several
   * environments); it is then referenced by name.
   */
  manageIdentity?: boolean;
  /**
   * Set while the account's SES is in the sandbox: these addresses are created as identities (each gets a
   * verification mail) and the consumer suppresses e-mail to anyone else instead of having SES reject it.
   * Leave undefined once production access is granted.
   */
  sandbox?: { verifiedRecipients: string[] };
  /** Alphanumeric SMS sender id, where destination countries support one. */
  smsSenderId?: string;
  /** The consumer's timeout and its queue's visibility timeout: the claim lease must fit between them. */
  consumerTimeoutSeconds: number;
  visibilityTimeoutSeconds: number;
  removalPolicy?: RemovalPolicy;
}

/** Where the bundled templates land (relative to the bundle root, /var/task on Lambda). */
export const TEMPLATES_BUNDLE_DIR = 'notification-templates';

/**
 * The claim lease: an attempt must be dead (past the function's timeout) before another may take its claim, and
 * the redelivery after a crash (one visibility timeout later) must find the lease expired.
 */
export function claimLeaseSeconds(consumerTimeoutSeconds: number, visibilityTimeoutSeconds: number): number {
  const lease = Math.max(60, consumerTimeoutSeconds + 30);
  if (lease >= visibilityTimeoutSeconds) {
    throw new Error(
      `notifications: the claim lease (${lease} s, the consumer timeout + 30 s, at least 60 s) must be shorter than the queue's visibility timeout (${visibilityTimeoutSeconds} s)`,
    );
  }
  return lease;
}

function domainOf(identity: string): string {
  return identity.includes('@') ? identity.slice(identity.indexOf('@') + 1) : identity;
}

export class NotificationsResources extends Construct {
  readonly identityName: string;
  readonly identity?: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly hashKey: secretsmanager.Secret;
  readonly sandboxIdentities: ses.EmailIdentity[] = [];
  /** The consumer function's environment (see functions/notifications/composition.ts). */
  readonly environment: Record<string, string>;
  /** Copy into the consumer's bundle (ServiceFunction `copy`). */
  readonly templatesCopy = { from: 'functions/notifications/templates', to: TEMPLATES_BUNDLE_DIR };

  constructor(scope: Construct, id: string, props: NotificationsResourcesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const fromDomain = props.fromAddress.slice(props.fromAddress.indexOf('@') + 1).toLowerCase();
    const identityIsAddress = props.senderIdentity.includes('@');
    if (
      identityIsAddress
        ? props.senderIdentity.toLowerCase() !== props.fromAddress.toLowerCase()
        : domainOf(props.senderIdentity).toLowerCase() !== fromDomain
    ) {
      throw new Error(
        `notifications: fromAddress ${props.fromAddress} is not within ${props.senderIdentity}`,
      );
    }
    const lease = claimLeaseSeconds(props.consumerTimeoutSeconds, props.visibilityTimeoutSeconds);

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.configurationSetName,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('Metrics', {
      destination: ses.EventDestination.cloudWatchDimensions([
        { name: 'template', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' },
      ]),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.RENDERING_FAILURE,
        ses.EmailSendingEvent.DELIVERY_DELAY,
      ],
    });

    this.identityName = props.senderIdentity;
    if (props.manageIdentity ?? true) {
      this.identity = new ses.EmailIdentity(this, 'Identity', {
        identity: identityIsAddress
          ? ses.Identity.email(props.senderIdentity)
          : ses.Identity.domain(props.senderIdentity),
        configurationSet: this.configurationSet,
      });
      this.identity.applyRemovalPolicy(removalPolicy);
    }
    for (const [i, address] of (props.sandbox?.verifiedRecipients ?? []).entries()) {
      const recipient = new ses.EmailIdentity(this, `SandboxRecipient${i}`, {
        identity: ses.Identity.email(address),
      });
      recipient.applyRemovalPolicy(RemovalPolicy.DESTROY);
      this.sandboxIdentities.push(recipient);
    }

    this.hashKey = new secretsmanager.Secret(this, 'RecipientHashKey', {
      description: 'Key of the HMAC over notification recipients (audit-log lookups by address)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.hashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not a credential: the key of the recipient HMAC stored in the audit log. Rotating it would orphan every stored hash (lookups by address would stop finding older rows), so it is kept for the life of the audit log.',
    });

    this.environment = {
      SES_FROM_ADDRESS: props.fromAddress,
      SES_CONFIGURATION_SET: props.configurationSetName,
      FRAUD_OPS_ADDRESS: props.fraudOpsAddress,
      RECIPIENT_HASH_SECRET_ARN: this.hashKey.secretArn,
      NOTIFICATION_LEASE_SECONDS: String(lease),
      NOTIFICATION_TEMPLATES_DIR: `/var/task/${TEMPLATES_BUNDLE_DIR}`,
      ...(props.fraudOpsAddressByMerchant
        ? { FRAUD_OPS_ADDRESS_BY_MERCHANT: JSON.stringify(props.fraudOpsAddressByMerchant) }
        : {}),
      ...(props.sandbox ? { SES_SANDBOX_RECIPIENTS: props.sandbox.verifiedRecipients.join(',') } : {}),
      ...(props.smsSenderId ? { SMS_SENDER_ID: props.smsSenderId } : {}),
    };

    new CfnOutput(this, 'ConfigurationSetName', { value: props.configurationSetName });
    new CfnOutput(this, 'RecipientHashKeyArn', { value: this.hashKey.secretArn });
  }

  /**
   * What the consumer may do: ses:SendEmail from the configured From address through the identity and the
   * configuration set only; sns:Publish to phone numbers only (NotResource on every SNS ARN, so no topic); read
   * the hash key.
   */
  grantSend(grantee: iam.IGrantable & Construct): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          Arn.format({ service: 'ses', resource: 'identity', resourceName: this.identityName }, stack),
          Arn.format(
            {
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.configurationSet.configurationSetName,
            },
            stack,
          ),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': this.environment.SES_FROM_ADDRESS } },
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        notResources: [Arn.format({ service: 'sns', region: '*', account: '*', resource: '*' }, stack)],
      }),
    );
    this.hashKey.grantRead(grantee);
    Validations.of(grantee).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:*:*:*]',
      reason: 'NotResource on every SNS ARN: sns:Publish is limited to SMS phone numbers, which have no ARN.',
    });
  }
}
