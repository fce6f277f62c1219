import { resourcesOf, synthesize } from '../synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const dev = synthesize('dev');
const services = dev.templates.services;
const refsOf = (value: Json): string[] => [value].flat().map((v: Json) => JSON.stringify(v));

describe("the operators' policy for npm run dlq", () => {
  const [policy] = resourcesOf([services], 'AWS::IAM::ManagedPolicy').filter(
    (p) => p.resource.Properties?.ManagedPolicyName === 'rampay-dev-operator',
  );
  const statements: Json[] = (policy?.resource.Properties as Json)?.PolicyDocument.Statement ?? [];
  const statement = (sid: string) => statements.find((s) => s.Sid === sid);
  const queues = resourcesOf([services], 'AWS::SQS::Queue').map((q) => q.id);
  const consumerCount = Object.keys(
    dev.templates.services.findResources('AWS::Lambda::EventSourceMapping'),
  ).length;

  it('exists, attached to nobody: operators attach it to their own roles', () => {
    expect(policy).toBeDefined();
    const properties: Json = policy!.resource.Properties;
    expect(properties.Roles).toBeUndefined();
    expect(properties.Users).toBeUndefined();
  });

  it("reaches each consumer's two DLQs and its queue, and nothing else among the queues", () => {
    expect(consumerCount).toBeGreaterThanOrEqual(4);
    const dlqs = refsOf(statement('DeadLetterQueues').Resource);
    expect(dlqs).toHaveLength(consumerCount * 2);
    expect(dlqs.every((r) => /Dlq/.test(r))).toBe(true);
    expect(statement('DeadLetterQueues').Action).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:StartMessageMoveTask']),
    );
    const replay = refsOf(statement('ReplayToTheConsumers').Resource);
    expect(replay).toHaveLength(consumerCount);
    expect(replay.some((r) => /Dlq/.test(r))).toBe(false);
    // Every queue of the stack is one of those, so no other queue is reachable by accident either way.
    const named = new Set([...dlqs, ...replay].map((r) => JSON.parse(r)['Fn::GetAtt']?.[0]));
    expect(queues.filter((q) => named.has(q))).toHaveLength(consumerCount * 3);
  });

  it("reads why messages failed from the consumers' log groups, and may decrypt the queues", () => {
    expect(statement('WhyMessagesFailed').Action).toBe('logs:FilterLogEvents');
    expect(refsOf(statement('WhyMessagesFailed').Resource)).toHaveLength(consumerCount);
    expect(statement('EncryptedQueues').Resource).toEqual({
      'Fn::ImportValue': expect.stringMatching(/QueuesKey/),
    });
    expect(statement('StackOutputs')).toMatchObject({ Action: 'cloudformation:DescribeStacks' });
  });
});
