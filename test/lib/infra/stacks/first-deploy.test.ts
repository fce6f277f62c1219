/**
 * What a first `cdk deploy` into a fresh account needs from the templates: nothing retained with a name a failed
 * attempt could leave behind, a Cognito domain of the account's own, migrations before the first rotation, and
 * traces through SNS.
 */
import { PARTS, synthesize, type SynthesizedEnvironment } from '../synth';

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};

const environments: SynthesizedEnvironment[] = [synthesize('dev'), synthesize('staging'), synthesize('prod')];
const resourcesOf = (env: SynthesizedEnvironment) =>
  PARTS.flatMap((part) =>
    Object.entries(env.templates[part].toJSON().Resources as Record<string, Resource>).map(
      ([id, resource]) => ({ part, id, resource }),
    ),
  );
const STACK_SUFFIX = JSON.stringify({
  'Fn::Select': [
    0,
    { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
  ],
});

describe.each(environments.filter((e) => e.config.removalPolicy !== 'destroy'))(
  '$config.name: resources kept when a stack goes',
  (env) => {
    const kept = resourcesOf(env).filter(({ resource }) =>
      ['Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(resource.DeletionPolicy ?? ''),
    );

    it('are deleted when the creation that made them fails, unless a snapshot is taken', () => {
      expect(kept.length).toBeGreaterThan(20);
      for (const { id, resource } of kept) {
        expect([id, resource.DeletionPolicy]).toEqual([
          id,
          resource.Type === 'AWS::RDS::DBInstance' && env.config.removalPolicy === 'snapshot'
            ? 'Snapshot'
            : 'RetainExceptOnCreate',
        ]);
      }
    });

    it('carry no fixed name, or one with the stack suffix (the SES identity is its domain)', () => {
      for (const { id, resource } of kept) {
        const props = resource.Properties ?? {};
        for (const key of ['LogGroupName', 'QueueName', 'Name', 'TopicName', 'DBInstanceIdentifier']) {
          if (props[key] === undefined) continue;
          expect([id, key, JSON.stringify(props[key])]).toEqual([
            id,
            key,
            expect.stringContaining(STACK_SUFFIX.slice(1, -1)),
          ]);
        }
      }
      const identities = kept.filter(({ resource }) => resource.Type === 'AWS::SES::EmailIdentity');
      for (const { resource } of identities) {
        expect(resource.Properties?.EmailIdentity).toBe(env.config.notifications.senderIdentity);
      }
    });
  },
);

describe.each(environments)('$config.name: first deployment', (env) => {
  const resources = resourcesOf(env);
  const ofType = (type: string) => resources.filter(({ resource }) => resource.Type === type);

  it("gives the Cognito hosted domain the account's id, so the prefix is the account's own", () => {
    if (env.config.auth.kind !== 'cognito') return;
    const [domain] = ofType('AWS::Cognito::UserPoolDomain');
    expect(domain?.resource.Properties?.Domain).toEqual(
      env.config.account
        ? `${env.config.auth.domainPrefix}-${env.config.account}`
        : { 'Fn::Join': ['', [`${env.config.auth.domainPrefix}-`, { Ref: 'AWS::AccountId' }]] },
    );
    const output = JSON.stringify(env.templates.api.toJSON().Outputs.TokenEndpoint.Value);
    expect(output).toContain(JSON.stringify({ Ref: domain!.id }));
    expect(output).toContain('oauth2/token');
  });

  it('applies the migrations before the secret rotates for the first time', () => {
    const [schedule] = ofType('AWS::SecretsManager::RotationSchedule');
    const [trigger] = ofType('Custom::Trigger');
    expect(schedule?.resource.DependsOn).toContain(trigger!.id);
    const instance = ofType('AWS::RDS::DBInstance')[0]!;
    expect(trigger!.resource.DependsOn).toEqual([instance.id]);
  });

  it('traces every event topic (active tracing), so a trace goes on through SNS', () => {
    const topics = ofType('AWS::SNS::Topic').filter(({ part }) => part === 'messaging');
    expect(topics.length).toBeGreaterThan(0);
    for (const { resource } of topics) expect(resource.Properties?.TracingConfig).toBe('Active');
  });

  it('gives every subscription of an event topic a dead-letter queue', () => {
    const subscriptions = ofType('AWS::SNS::Subscription').filter(
      ({ resource }) => resource.Properties?.Protocol === 'sqs',
    );
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const { resource } of subscriptions) {
      expect(resource.Properties?.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/SubscriptionDlq/), 'Arn'] },
      });
    }
  });
});
