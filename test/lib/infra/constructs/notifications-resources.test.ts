import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  claimLeaseSeconds,
  NotificationsResources,
  type NotificationsResourcesProps,
} from '../../../../lib/infra/constructs/notifications-resources';

const base: NotificationsResourcesProps = {
  senderIdentity: 'dev.rampay.example',
  fromAddress: 'no-reply@dev.rampay.example',
  configurationSetName: 'rampay-dev',
  fraudOpsAddress: 'fraud-ops@dev.rampay.example',
  consumerTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
  removalPolicy: RemovalPolicy.DESTROY,
};

function build(props: Partial<NotificationsResourcesProps> = {}, app = new App()) {
  const stack = new Stack(app, 'Notifications');
  const resources = new NotificationsResources(stack, 'Notifications', { ...base, ...props });
  const role = new iam.Role(stack, 'ConsumerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  resources.grantSend(role);
  return { app, stack, resources, template: () => Template.fromStack(stack) };
}

it('creates the domain identity with DKIM, the configuration set and its event metrics', () => {
  const { template } = build();
  const t = template();
  t.hasResourceProperties('AWS::SES::EmailIdentity', {
    EmailIdentity: 'dev.rampay.example',
    ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
  });
  t.hasResourceProperties('AWS::SES::ConfigurationSet', {
    Name: 'rampay-dev',
    DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    ReputationOptions: { ReputationMetricsEnabled: true },
    SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  });
  t.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
    EventDestination: Match.objectLike({
      MatchingEventTypes: Match.arrayWith(['bounce', 'complaint', 'reject']),
      CloudWatchDestination: {
        DimensionConfigurations: [
          { DimensionName: 'template', DimensionValueSource: 'messageTag', DefaultDimensionValue: 'none' },
        ],
      },
    }),
  });
  t.resourceCountIs('AWS::SES::EmailIdentity', 1);
});

it('grants SendEmail from the configured address only, SMS publish but no topic, and the hash key', () => {
  const { template } = build();
  const statements = Object.values(template().findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
        .PolicyDocument.Statement,
  );
  const sendEmail = statements.find((s) => s.Action === 'ses:SendEmail')!;
  expect(sendEmail.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@dev.rampay.example' } });
  expect(JSON.stringify(sendEmail.Resource)).toContain(':identity/dev.rampay.example');
  // The configuration set named rampay-dev, by reference (so the grant follows its creation).
  expect(JSON.stringify(sendEmail.Resource)).toMatch(
    /:configuration-set\/",\{"Ref":"NotificationsConfigurationSet\w+"\}/,
  );
  const publish = statements.find((s) => s.Action === 'sns:Publish')!;
  expect(publish.Resource).toBeUndefined();
  expect(JSON.stringify(publish.NotResource)).toContain(':sns:*:*:*');
  expect(statements.some((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'))).toBe(
    true,
  );
  expect(statements.some((s) => JSON.stringify(s.Action).includes('ses:*'))).toBe(false);
});

it('gives the consumer its environment: sender, configuration set, fraud ops, hash key, lease, templates', () => {
  const { resources } = build({
    fraudOpsAddressByMerchant: { m1: 'm1-ops@dev.rampay.example' },
    smsSenderId: 'RamPay',
  });
  expect(resources.environment).toMatchObject({
    SES_FROM_ADDRESS: 'no-reply@dev.rampay.example',
    SES_CONFIGURATION_SET: 'rampay-dev',
    FRAUD_OPS_ADDRESS: 'fraud-ops@dev.rampay.example',
    FRAUD_OPS_ADDRESS_BY_MERCHANT: '{"m1":"m1-ops@dev.rampay.example"}',
    NOTIFICATION_LEASE_SECONDS: '60',
    NOTIFICATION_TEMPLATES_DIR: '/var/task/notification-templates',
    SMS_SENDER_ID: 'RamPay',
  });
  expect(resources.environment.RECIPIENT_HASH_SECRET_ARN).toBeTruthy();
  expect(resources.environment.SES_SANDBOX_RECIPIENTS).toBeUndefined();
  expect(resources.templatesCopy).toEqual({
    from: 'functions/notifications/templates',
    to: 'notification-templates',
  });
  expect(
    fs.existsSync(
      path.join(__dirname, '..', '..', '..', '..', resources.templatesCopy.from, 'payment-approved'),
    ),
  ).toBe(true);
});

it('in the SES sandbox: verifies the listed recipients and tells the consumer to suppress the others', () => {
  const { template, resources } = build({
    sandbox: { verifiedRecipients: ['dev1@rampay.example', 'qa@rampay.example'] },
  });
  template().resourceCountIs('AWS::SES::EmailIdentity', 3);
  template().hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'qa@rampay.example' });
  expect(resources.environment.SES_SANDBOX_RECIPIENTS).toBe('dev1@rampay.example,qa@rampay.example');
});

it('references an identity managed elsewhere, and refuses a From address outside the identity', () => {
  build({ manageIdentity: false }).template().resourceCountIs('AWS::SES::EmailIdentity', 0);
  expect(() => build({ fromAddress: 'no-reply@other.example' })).toThrow(/not within/);
  expect(() =>
    build({ senderIdentity: 'ops@dev.rampay.example', fromAddress: 'no-reply@dev.rampay.example' }),
  ).toThrow(/not within/);
  expect(() =>
    build({ senderIdentity: 'ops@dev.rampay.example', fromAddress: 'ops@dev.rampay.example' }),
  ).not.toThrow();
});

it('fits the claim lease between the function timeout and the visibility timeout', () => {
  expect(claimLeaseSeconds(30, 180)).toBe(60);
  expect(claimLeaseSeconds(60, 360)).toBe(90);
  expect(() => claimLeaseSeconds(120, 150)).toThrow(/shorter than the queue's visibility timeout/);
});

it('passes cdk-nag AwsSolutions (each suppression with its reason)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-nag-notifications-'));
  try {
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    build({}, app);
    expect(() => app.synth()).not.toThrow();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
