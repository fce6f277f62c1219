import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { FinishedSpan } from '../../../../functions/shared/tracing';
import {
  xrayDocument,
  xrayRecorderFromEnvironment,
} from '../../../../functions/shared/tracing/xray-recorder';

const span = (overrides: Partial<FinishedSpan> = {}): FinishedSpan => ({
  traceId: '5759e988bd862e3fe1be46a994272793',
  spanId: '53995c3f42cd8ad8',
  parentSpanId: '70de5b6f19ff9a0a',
  remoteParent: false,
  name: 'db select append_events',
  kind: 'client',
  startTime: 1_700_000_000_000.5,
  endTime: 1_700_000_000_012.25,
  attributes: { 'db.system': 'postgresql', 'db.operation': 'select' },
  ...overrides,
});

describe('X-Ray documents', () => {
  it("makes a request's spans subsegments of their parent, in seconds, with annotations X-Ray accepts", () => {
    expect(xrayDocument(span(), 'rampay-dev-CreatePayment')).toEqual({
      name: 'db select append_events',
      id: '53995c3f42cd8ad8',
      trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      parent_id: '70de5b6f19ff9a0a',
      start_time: 1_700_000_000.0005,
      end_time: 1_700_000_000.01225,
      type: 'subsegment',
      namespace: 'remote',
      annotations: { db_system: 'postgresql', db_operation: 'select' },
      metadata: { rampay: { span: 'db select append_events', kind: 'client' } },
    });
  });

  it("makes a consumer's record, which continues another process's trace, a segment of this function", () => {
    const doc = xrayDocument(
      span({ name: 'fraud PaymentCreated', kind: 'consumer', remoteParent: true, attributes: {} }),
      'rampay-dev-FraudConsumer',
    );
    expect(doc).toMatchObject({ name: 'rampay-dev-FraudConsumer', origin: 'AWS::Lambda::Function' });
    expect(doc.type).toBeUndefined();
  });

  it('names an AWS call by its service, with the operation, and marks a failure as a fault', () => {
    const doc = xrayDocument(
      span({
        name: 'SNS PublishBatch',
        attributes: { 'aws.service': 'SNS', 'aws.operation': 'PublishBatch' },
        error: 'TimeoutError',
      }),
      'fn',
    );
    expect(doc).toMatchObject({
      name: 'SNS',
      namespace: 'aws',
      aws: { operation: 'PublishBatch' },
      fault: true,
    });
  });

  it('keeps names within what X-Ray allows', () => {
    const doc = xrayDocument(span({ name: `GET /payments/{id} ${'x'.repeat(300)}` }), 'fn');
    expect(doc.name).toMatch(/^GET \/payments\/_id_ x+$/);
    expect(doc.name).toHaveLength(200);
  });
});

describe('the recorder on Lambda', () => {
  it('exists only where Lambda runs an X-Ray daemon', () => {
    expect(xrayRecorderFromEnvironment({})).toBeUndefined();
    expect(xrayRecorderFromEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toBeUndefined();
    expect(
      xrayRecorderFromEnvironment({
        AWS_LAMBDA_FUNCTION_NAME: 'fn',
        AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
      }),
    ).toBeDefined();
  });

  it("hangs a request under the invocation's segment and sends each span to the daemon as one datagram", async () => {
    const daemon = createSocket('udp4');
    const received = new Promise<string>((resolve) => daemon.once('message', (m) => resolve(m.toString())));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    const { port } = daemon.address() as AddressInfo;
    const recorder = xrayRecorderFromEnvironment({
      AWS_LAMBDA_FUNCTION_NAME: 'rampay-dev-CreatePayment',
      AWS_XRAY_DAEMON_ADDRESS: `tcp:127.0.0.1:${port} udp:127.0.0.1:${port}`,
    })!;
    const saved = process.env._X_AMZN_TRACE_ID;
    process.env._X_AMZN_TRACE_ID =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=70de5b6f19ff9a0a;Sampled=1';
    try {
      expect(recorder.ambientContext()).toEqual({
        traceId: '5759e988bd862e3fe1be46a994272793',
        spanId: '70de5b6f19ff9a0a',
        sampled: true,
      });
      recorder.record(span());
      const [header, body] = (await received).split('\n');
      expect(JSON.parse(header!)).toEqual({ format: 'json', version: 1 });
      expect(JSON.parse(body!)).toMatchObject({ id: '53995c3f42cd8ad8', parent_id: '70de5b6f19ff9a0a' });
    } finally {
      if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
      else process.env._X_AMZN_TRACE_ID = saved;
      daemon.close();
    }
  });
});
