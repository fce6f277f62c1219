/**
 * A writer's "published" marks ride on its request's idempotency completion (functions/shared/outbox/publication-marks.ts):
 * no event is left unmarked, whatever way the request ends.
 */
import { OutboxPublisher } from '../../../../functions/shared/outbox/committed-publisher';
import { markPublishedStatement } from '../../../../functions/shared/outbox/publication-marks';
import { PostgresPaymentStore } from '../../../../functions/payments/adapters/postgres-payment-store';
import { createPayment } from '../../../../functions/payments/use-cases/create-payment';
import { createPaymentRequestSchema } from '../../../../functions/payments/schemas';
import type { Sql } from '../../../../functions/shared/db/client';
import { idempotentOperation } from '../../../../functions/shared/idempotency/idempotent-operation';
import { lambdaContext } from '../../../../lib/local/lambda-context';
import { paymentRequest } from '../../../support/api';
import { recordingClient, startTestDatabase, type TestDatabase } from '../../../support/database';
import { RecordingPublisher } from '../../../support/recording-publisher';

let db: TestDatabase;
let client: ReturnType<typeof recordingClient>;
let sql: Sql;

beforeAll(async () => {
  db = await startTestDatabase({ max: 1 });
  client = recordingClient(db.url);
  sql = client.sql;
});
afterAll(async () => {
  await sql.end();
  await db.stop();
});
beforeEach(() => {
  client.statements.length = 0;
  client.parameters.length = 0;
});

const context = lambdaContext('CreatePayment');
const createInput = (idempotencyKey: string) => ({
  merchantId: 'm1',
  idempotencyKey: `${idempotencyKey}-${Date.now()}`,
  scope: '',
  body: paymentRequest(),
  correlationId: 'c',
});

function createVia(publisher: RecordingPublisher, failAfterPublishing = false) {
  const deps = {
    store: new PostgresPaymentStore(sql),
    events: new OutboxPublisher(sql, () => publisher),
    now: () => new Date(),
  };
  return idempotentOperation(
    'publication-marks-test',
    async () => sql,
    async (input) => {
      const payment = await createPayment(deps, {
        merchantId: input.merchantId,
        idempotencyKey: input.idempotencyKey,
        correlationId: input.correlationId,
        request: createPaymentRequestSchema.parse(input.body),
      });
      if (failAfterPublishing) throw new Error('failed after publishing');
      return payment;
    },
  );
}

/** The event of a payment: whether it still waits for publication, and how many attempts failed. */
async function eventOf(paymentId: string) {
  const [row] = await db.sql<{ pending: boolean; failedAttempts: number }[]>`
    select p.event_id is not null as pending, coalesce(p.attempts, 0) as "failedAttempts"
      from outbox o left join outbox_pending p on p.event_id = o.id
     where o.payment_id = ${paymentId}`;
  return row;
}

test('the published mark is written by the call that completes the idempotency record', async () => {
  const publisher = new RecordingPublisher();
  const input = createInput('marks');

  const { result } = await createVia(publisher)(input, context);

  expect(publisher.published.map((e) => e.paymentId)).toEqual([result.id]);
  expect(await eventOf(result.id)).toEqual({ pending: false, failedAttempts: 0 });
  // Claim the key, create the payment with its event, complete the key (with the mark).
  const statements = client.withoutTypeLookup();
  expect(statements).toHaveLength(3);
  expect(statements[0]).toMatch(/^select \* from claim_idempotency_record\(/);
  expect(statements[2]).toMatch(/^select complete_idempotency_record\(/);
  expect(statements.filter((s) => /mark_events_published/.test(s))).toEqual([]);
});

test('a create is three round trips: claim the key, insert the payment with its event, complete the key with the mark', async () => {
  const publisher = new RecordingPublisher();
  await createVia(publisher)(createInput('marks-warm'), context);
  client.flights.count = 0;

  await createVia(publisher)(createInput('marks-flights'), context);

  expect(client.flights.count).toBe(3);
});

test('when the request fails after publishing, its marks are still written', async () => {
  const publisher = new RecordingPublisher();
  const input = createInput('marks-fail');

  await expect(createVia(publisher, true)(input, context)).rejects.toThrow('failed after publishing');

  const [event] = publisher.published;
  expect(await eventOf(event!.paymentId!)).toEqual({ pending: false, failedAttempts: 0 });
});

test('an event that could not be published is left to the relay, not marked', async () => {
  const publisher = new RecordingPublisher();
  publisher.failing = true;
  const input = createInput('marks-unpublished');

  const { result } = await createVia(publisher)(input, context);

  expect(await eventOf(result.id)).toEqual({ pending: true, failedAttempts: 1 });
});

test('a mark of its own is one round trip: the event ids are in its text, each checked to be a UUID', async () => {
  const publisher = new RecordingPublisher();
  const { result } = await createVia(publisher)(createInput('marks-literal'), context);
  expect(await eventOf(result.id)).toEqual({ pending: false, failedAttempts: 0 });
  const events = await db.sql<{ id: string }[]>`select id from outbox where payment_id = ${result.id}`;
  // Published again by hand: the relay's and the consumers' path, a statement of its own.
  await db.sql`insert into outbox_pending (event_id) values (${events[0]!.id})`;
  client.statements.length = 0;
  client.parameters.length = 0;
  await markPublishedStatement(sql, [events[0]!.id]);
  expect(client.parameters).toEqual([[]]);
  expect(client.statements[0]).toContain(events[0]!.id);
  expect(await eventOf(result.id)).toEqual({ pending: false, failedAttempts: 0 });
  expect(() => markPublishedStatement(sql, ["x'); delete from outbox; --"])).toThrow('is not a UUID');
});
