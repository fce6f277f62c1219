/**
 * The webhooks service in the CDK app: its secrets' KMS key and who may use it, the queue the attempts and the
 * sweep send to, the sweep's schedule, the merchants topic its notices go to and who hears them, and its alarms
 * and dashboard widgets; cdk-nag has nothing to say.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { resourcesOf, synthesize } from '../synth';

const dev = synthesize('dev');
const { messaging, api, services, observability } = dev.templates;

type Fn = { Properties: { FunctionName: string; Environment?: { Variables?: Record<string, unknown> } } };
const functionNamed = (template: typeof api, name: string) => {
  const found = Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Fn>).find(
    ([, f]) => f.Properties.FunctionName === name,
  );
  if (!found) throw new Error(`no function ${name}`);
  return { id: found[0], variables: found[1].Properties.Environment?.Variables ?? {} };
};
const policiesOf = (template: typeof api, roleRef: string) =>
  JSON.stringify(
    resourcesOf([template], 'AWS::IAM::Policy')
      .filter(({ resource }) => JSON.stringify(resource.Properties?.Roles).includes(roleRef))
      .map(({ resource }) => resource.Properties?.PolicyDocument),
  );

it('keeps the webhook secrets under a KMS key of their own, with rotation', () => {
  messaging.hasResourceProperties('AWS::KMS::Key', {
    Description: Match.stringLikeRegexp('webhook signing secrets'),
    EnableKeyRotation: true,
  });
  messaging.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/rampay-dev-webhook-secrets' });
});

it('lets only the functions that seal or open secrets use that key', () => {
  const withKey = resourcesOf([api, services], 'AWS::Lambda::Function')
    .filter(({ resource }) => JSON.stringify(resource.Properties).includes('WEBHOOKS_KMS_KEY_ID'))
    .map(({ resource }) => (resource.Properties as { FunctionName: string }).FunctionName)
    .sort();
  expect(withKey).toEqual([
    'rampay-dev-create-webhook-endpoint',
    'rampay-dev-rotate-webhook-secret',
    'rampay-dev-webhooks-consumer',
  ]);
  const create = functionNamed(api, 'rampay-dev-create-webhook-endpoint');
  const role = JSON.stringify(
    (api.toJSON().Resources as Record<string, { Properties: { Role?: unknown } }>)[create.id]!.Properties
      .Role,
  );
  const roleRef = JSON.parse(role)['Fn::GetAtt'][0] as string;
  const policy = policiesOf(api, roleRef);
  expect(policy).toContain('kms:GenerateDataKey');
  expect(policy).toContain('kms:Decrypt');
  expect(policy).not.toContain('kms:Encrypt"');
});

it('gives the consumer and the sweep the webhooks queue, and runs the sweep every minute', () => {
  for (const name of ['rampay-dev-webhooks-consumer', 'rampay-dev-webhooks-sweep']) {
    expect(functionNamed(services, name).variables.WEBHOOKS_QUEUE_URL).toEqual({
      Ref: expect.stringMatching(/^WebhooksConsumerEventsQueue/),
    });
  }
  const sweep = functionNamed(services, 'rampay-dev-webhooks-sweep');
  services.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(1 minute)',
    Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [sweep.id, 'Arn'] } })]),
  });
  services.hasResourceProperties('AWS::SQS::Queue', {
    VisibilityTimeout: dev.config.consumers.webhooks.visibilityTimeoutSeconds,
    RedrivePolicy: Match.objectLike({ maxReceiveCount: dev.config.consumers.webhooks.maxReceiveCount }),
  });
});

it('lets the consumer publish its notices to the merchants topic alone, heard by notifications and webhooks', () => {
  messaging.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'rampay-dev-merchants' });
  const merchantsTopic = { 'Fn::ImportValue': Match.stringLikeRegexp('MerchantsTopic') };
  const consumer = functionNamed(services, 'rampay-dev-webhooks-consumer');
  expect(consumer.variables.MERCHANTS_TOPIC_ARN).toEqual({
    'Fn::ImportValue': expect.stringMatching(/MerchantsTopic/),
  });
  const role = JSON.stringify(
    (services.toJSON().Resources as Record<string, { Properties: { Role?: unknown } }>)[consumer.id]!
      .Properties.Role,
  );
  const published = resourcesOf([services], 'AWS::IAM::Policy')
    .filter(({ resource }) =>
      JSON.stringify(resource.Properties?.Roles).includes(JSON.parse(role)['Fn::GetAtt'][0]),
    )
    .flatMap(
      ({ resource }) =>
        (resource.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    )
    .filter((statement) => JSON.stringify(statement.Action).includes('sns:Publish'))
    .map((statement) => JSON.stringify(statement.Resource));
  expect(published).toEqual([expect.stringMatching(/MerchantsTopic/)]);

  const subscribers = resourcesOf([services], 'AWS::SNS::Subscription')
    .filter(({ resource }) => JSON.stringify(resource.Properties?.TopicArn).includes('MerchantsTopic'))
    .map(({ id, resource }) => [id.replace(/ConsumerEventsQueue.*/, ''), resource.Properties?.FilterPolicy])
    .sort();
  expect(subscribers).toEqual([
    ['Notifications', { eventType: ['WebhookEndpointDisabled'] }],
    ['Webhooks', { eventType: ['WebhookEndpointDisabled'] }],
  ]);
  services.hasResourceProperties('AWS::SNS::Subscription', {
    TopicArn: merchantsTopic,
    RawMessageDelivery: true,
  });
});

it('alarms on the failure rate, the oldest due delivery and the DLQ, and shows them on the dashboard', () => {
  observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'rampay-dev-webhooks-failure-rate',
    Metrics: Match.arrayWith([
      Match.objectLike({ Expression: Match.stringLikeRegexp('failed / \\(delivered \\+ failed\\)') }),
    ]),
  });
  const oldest = resourcesOf([observability], 'AWS::CloudWatch::Alarm').find(
    ({ resource }) => resource.Properties?.AlarmName === 'rampay-dev-webhooks-oldest-due',
  );
  const watched = JSON.stringify(oldest?.resource.Properties?.Metrics);
  expect(watched).toContain('"MetricName":"WebhookOldestDueSeconds"');
  expect(watched).toContain('{"Name":"service","Value":"webhooks"}');
  expect(watched).toContain('{"Name":"environment","Value":"dev"}');
  services.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmDescription: Match.stringLikeRegexp('Messages in the webhooks DLQ'),
  });
  const dashboard = JSON.stringify(observability.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboard).toContain('Webhook attempts');
  expect(dashboard).toContain('Oldest due webhook delivery');
});

it('leaves cdk-nag nothing to report', () => {
  const violations = dev.validationReport.pluginReports.flatMap((r) => r.violations);
  expect(violations.filter((v) => /webhook/i.test(JSON.stringify(v)))).toEqual([]);
});
