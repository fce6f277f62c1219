/**
 * X-Ray everywhere a request goes: every Lambda function traces actively, every SNS topic passes the trace on to
 * its subscribers, and X-Ray accepts SNS's segments (its resource policy) from this account's topics only.
 */
import { TOPIC_NAMES } from '../../../functions/shared/events/topology';
import { PARTS, synthesize, type SynthesizedEnvironment } from './synth';

type Resource = { Type: string; Properties?: Record<string, unknown> };

const environments: SynthesizedEnvironment[] = [synthesize('dev'), synthesize('prod')];
const resourcesOf = (env: SynthesizedEnvironment, type: string) =>
  PARTS.flatMap((part) =>
    Object.entries(env.templates[part].toJSON().Resources as Record<string, Resource>)
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => ({ part, id, resource })),
  );

describe.each(environments)('$config.name', (env) => {
  it('traces every Lambda function actively', () => {
    const functions = resourcesOf(env, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(15);
    const untraced = functions.filter(
      ({ resource }) => (resource.Properties?.TracingConfig as { Mode?: string })?.Mode !== 'Active',
    );
    expect(untraced.map(({ part, id }) => `${part}/${id}`)).toEqual([]);
  });

  it('traces every SNS topic, the event topics and the alarm topic', () => {
    const topics = resourcesOf(env, 'AWS::SNS::Topic');
    expect(topics.map(({ part }) => part).sort()).toEqual([
      ...TOPIC_NAMES.map(() => 'messaging'),
      'observability',
    ]);
    for (const { resource } of topics) expect(resource.Properties?.TracingConfig).toBe('Active');
  });

  it("lets SNS send its segments to X-Ray for this account's topics only", () => {
    const [policy, ...others] = resourcesOf(env, 'AWS::XRay::ResourcePolicy');
    expect(others).toEqual([]);
    // A JSON string; an environment-agnostic stack's is a join with the account and region tokens.
    const document = policy!.resource.Properties!.PolicyDocument;
    const text = typeof document === 'string' ? document : JSON.stringify(document).replace(/\\"/g, '"');
    expect(text).toContain('"Principal":{"Service":"sns.amazonaws.com"}');
    expect(text).toContain(
      '"Action":["xray:PutTraceSegments","xray:GetSamplingRules","xray:GetSamplingTargets"]',
    );
    expect(text).toContain('"aws:SourceAccount"');
    expect(text).toContain(`:rampay-${env.config.name}-*"`);
    expect(text.match(/"Effect"/g)).toHaveLength(1);
  });
});
