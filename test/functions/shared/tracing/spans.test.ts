/**
 * The spans a request and a consumer's record leave, recorded through the tracing port: one trace from the API to
 * the events it writes and on into the consumer, named by the work, and free of parameters and customer data.
 */
import { CONSUMERS } from '../../../../functions/shared/events/topology';
import fc from 'fast-check';
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { handler as createPayment } from '../../../../functions/payments/handlers/create-payment';
import { defineConsumer } from '../../../../functions/shared/consumer';
import { consumerHandler } from '../../../../functions/shared/consumer/runtime';
import { useSharedSql } from '../../../../functions/shared/db/connection';
import {
  formatTraceparent,
  inSpan,
  parseTraceparent,
  tracedClient,
  useSpanRecorder,
  type FinishedSpan,
  type SpanRecorder,
} from '../../../../functions/shared/tracing';
import { statementName } from '../../../../functions/shared/tracing/database';
import { call, paymentRequest } from '../../../support/api';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { RecordingPublisher } from '../../../support/recording-publisher';
import { mockSns } from '../../../support/sns';
import { paymentApproved, paymentCreated, sqsEvent, sqsRecord } from '../consumer/fixtures';

class ListRecorder implements SpanRecorder {
  spans: FinishedSpan[] = [];
  ambientContext(): undefined {
    return undefined;
  }
  record(span: FinishedSpan): void {
    this.spans.push(span);
  }
}

const sns = mockSns();
const recorder = new ListRecorder();
let db: TestDatabase;
let keys = 0;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
  useSpanRecorder(recorder);
});
afterAll(async () => {
  useSpanRecorder(undefined);
  await db?.stop();
});
beforeEach(() => {
  recorder.spans = [];
  sns.reset();
});

/** Everything a span says apart from its ids: its name and attributes (ids are random hex, and may hold digits). */
const said = (span: FinishedSpan) =>
  JSON.stringify([
    span.name,
    Object.entries(span.attributes).filter(([key]) => !key.endsWith('.id') && key !== 'correlation_id'),
  ]);

describe('a request', () => {
  it('is one trace: its statements, its events and their publication, named by the work, with no customer data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .tuple(fc.stringMatching(/^[a-z]{4,12}$/), fc.stringMatching(/^[a-z]{4,10}$/))
          .map(([name, domain]) => `${name}@${domain}.example`),
        fc.stringMatching(/^[0-9a-f]{24}$/),
        fc.stringMatching(/^[0-9]{4}$/),
        fc.stringMatching(/^\+447700[0-9]{6}$/),
        async (email, fingerprint, last4, phone) => {
          recorder.spans = [];
          sns.reset();
          const res = await call(createPayment, 'POST', '/payments', {
            body: paymentRequest({
              customer: { id: 'cus_traced', email, phone, country: 'GB' },
              paymentMethod: { type: 'card', fingerprint: `fp_${fingerprint}`, last4, brand: 'visa' },
              description: 'Birthday present for Ada Lovelace',
            }),
            headers: { 'idempotency-key': `trace-${++keys}` },
          });
          expect(res.status).toBe(201);

          const [root, ...others] = recorder.spans.filter((s) => !s.parentSpanId);
          expect(others).toEqual([]);
          expect(root).toMatchObject({ name: 'POST /payments', kind: 'server' });
          expect(root!.attributes['http.status_code']).toBe(201);
          expect(new Set(recorder.spans.map((s) => s.traceId))).toEqual(new Set([root!.traceId]));

          const statements = recorder.spans.filter((s) => s.name.startsWith('db '));
          expect(statements.length).toBeGreaterThan(0);
          for (const s of statements) {
            expect(s.kind).toBe('client');
            expect(s.attributes['db.system']).toBe('postgresql');
            expect(s.name).toMatch(/^db (transaction|savepoint|[a-z]+( [a-z_][\w.]*)?)$/);
          }
          expect(
            recorder.spans.some((s) => s.name === 'outbox publish' && s.parentSpanId === root!.spanId),
          ).toBe(true);

          // The events it wrote carry its trace, in the envelope and as a message attribute.
          expect(sns.published.length).toBeGreaterThan(0);
          for (const { entry } of sns.published) {
            const envelope = JSON.parse(entry.Message!) as { traceparent?: string };
            expect(parseTraceparent(envelope.traceparent)?.traceId).toBe(root!.traceId);
            expect(entry.MessageAttributes?.traceparent?.StringValue).toBe(envelope.traceparent);
          }

          for (const span of recorder.spans) {
            const text = said(span);
            for (const secret of [
              email,
              phone,
              fingerprint,
              last4,
              'cus_traced',
              'Ada Lovelace',
              'insert into',
            ])
              expect(text).not.toContain(secret);
          }
        },
      ),
      { numRuns: 5 },
    );
  });

  it("puts the X-Ray trace header on each AWS call, and records the call under the request's span", async () => {
    let sent: Record<string, string> | undefined;
    const client = tracedClient(
      new SNSClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        requestHandler: {
          handle: async (request: { headers: Record<string, string> }) => {
            sent = request.headers;
            throw Object.assign(new Error('offline'), { name: 'NetworkingError' });
          },
        },
      }),
    );
    sns.sns.restore(); // this test's client reaches its own request handler
    try {
      await inSpan('request', {}, () =>
        client.send(
          new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: 'ada@example.com' }),
        ),
      ).catch(() => undefined);
    } finally {
      sns.reset();
    }
    const call = recorder.spans.find((s) => s.name === 'SNS Publish')!;
    expect(call).toMatchObject({
      kind: 'client',
      attributes: { 'aws.service': 'SNS', 'aws.operation': 'Publish' },
    });
    expect(call.error).toBe('NetworkingError');
    expect(sent?.['X-Amzn-Trace-Id']).toBe(
      `Root=1-${call.traceId.slice(0, 8)}-${call.traceId.slice(8)};Parent=${call.spanId};Sampled=1`,
    );
    expect(JSON.stringify(recorder.spans)).not.toContain('ada@example.com');
  });
});

describe("a consumer's record", () => {
  const consumer = (emit: boolean) =>
    defineConsumer({
      name: 'notifications',
      handles: CONSUMERS.notifications.events,
      handle: async (_event, ctx) => {
        await ctx.tx`select 1 from consumer_inbox limit 1`;
        return emit ? [ctx.event('PaymentApproved', { data: paymentApproved().data })] : [];
      },
    });
  const composition = (publisher: RecordingPublisher) => ({
    sql: () => db.sql,
    publisher: () => publisher,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const writer = { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', sampled: true };

  it("continues the writer's trace from the envelope, and hands it on to what it emits", async () => {
    const publisher = new RecordingPublisher();
    const event = { ...paymentCreated(), traceparent: formatTraceparent(writer) };
    const result = await consumerHandler(
      consumer(true),
      composition(publisher),
    )(sqsEvent([sqsRecord(event)]));
    expect(result.batchItemFailures).toEqual([]);

    const record = recorder.spans.find((s) => s.name === 'notifications PaymentCreated')!;
    expect(record).toMatchObject({
      traceId: writer.traceId,
      parentSpanId: writer.spanId,
      remoteParent: true,
      kind: 'consumer',
      attributes: { 'event.id': event.id, 'payment.id': event.paymentId, outcome: 'processed' },
    });
    const underRecord = (s: FinishedSpan): boolean =>
      s.parentSpanId === record.spanId ||
      recorder.spans.some((p) => p.spanId === s.parentSpanId && underRecord(p));
    expect(recorder.spans.some((s) => s.name === 'db select consumer_inbox' && underRecord(s))).toBe(true);

    const [emitted] = publisher.published;
    const handedOn = parseTraceparent(emitted!.traceparent)!;
    expect(handedOn.traceId).toBe(writer.traceId);
    expect(recorder.spans.some((s) => s.spanId === handedOn.spanId && underRecord(s))).toBe(true);
    // Published after the commit, outside the record: its span is in the trace, under what wrote the event.
    expect(recorder.spans.find((s) => s.name === 'outbox publish')).toMatchObject({
      traceId: writer.traceId,
      parentSpanId: handedOn.spanId,
    });
  });

  it("continues SQS's AWSTraceHeader when the envelope has no trace context", async () => {
    const event = paymentCreated();
    const record = sqsRecord(event);
    record.attributes.AWSTraceHeader = `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${writer.spanId};Sampled=1`;
    await consumerHandler(consumer(false), composition(new RecordingPublisher()))(sqsEvent([record]));
    expect(recorder.spans.find((s) => s.kind === 'consumer')).toMatchObject({
      traceId: writer.traceId,
      parentSpanId: writer.spanId,
    });
  });

  it('records nothing of a trace its writer did not sample, yet hands the context on', async () => {
    const publisher = new RecordingPublisher();
    const unsampled = formatTraceparent({ ...writer, sampled: false });
    await consumerHandler(
      consumer(true),
      composition(publisher),
    )(sqsEvent([sqsRecord({ ...paymentCreated(), traceparent: unsampled })]));
    expect(recorder.spans).toEqual([]);
    expect(parseTraceparent(publisher.published[0]!.traceparent)).toMatchObject({
      traceId: writer.traceId,
      sampled: false,
    });
  });
});

describe('statement names', () => {
  it.each([
    ['select append_events($1, $2)', 'select append_events'],
    ['\n  insert into consumer_inbox (consumer, event_id) values ($1, $2)', 'insert consumer_inbox'],
    [
      'with claimed as (update outbox_pending set x = 1 returning event_id) select o.seq from claimed c',
      'with outbox_pending',
    ],
    ['delete from outbox_pending where event_id = any($1)', 'delete outbox_pending'],
    ['select 1 from consumer_inbox where consumer = $1', 'select consumer_inbox'],
    ['begin', 'begin'],
  ])('%s is "%s"', (text, name) => {
    expect(statementName(text).name).toBe(name);
  });
});
