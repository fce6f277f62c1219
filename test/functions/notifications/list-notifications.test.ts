/**
 * GET /payments/{id}/notifications through its Lambda handler: the audit log of one payment, audit:read scope,
 * and merchant isolation (another merchant's payment is a 404, as an unknown one).
 */
import { useSharedSql } from '../../../functions/shared/db/connection';
import { handler as createPayment } from '../../../functions/payments/handlers/create-payment';
import { handler as listNotifications } from '../../../functions/notifications/handlers/list-notifications';
import { notificationsConsumer } from '../../../functions/notifications/consumer';
import { TemplateSet } from '../../../functions/notifications/templates';
import { consumerHandler } from '../../../functions/shared/consumer/runtime';
import { useSharedPublisher } from '../../../functions/shared/outbox/publisher';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import type { EventEnvelope } from '../../../functions/domain/events';
import { call, paymentRequest } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { RecordingPublisher, sqsEvent, sqsRecord } from '../shared/consumer/fixtures';
import { HASH_KEY, RecordingNotifier, silentLogger } from './support';

let db: TestDatabase;
let payment: { id: string };

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
  useSharedPublisher(new RecordingPublisher());
  const created = await call(createPayment, 'POST', '/payments', {
    body: paymentRequest(),
    headers: { 'idempotency-key': 'notif-list-1' },
    merchantId: 'merchant_a',
  });
  expect(created.status).toBe(201);
  payment = created.body as { id: string };
  const runtime = {
    sql: db.sql,
    notifier: new RecordingNotifier(),
    templates: new TemplateSet(),
    config: { leaseSeconds: 60, hashKey: HASH_KEY },
    independentLedger: (db.sql.options.max ?? 1) > 1,
  };
  const handler = consumerHandler(notificationsConsumer, {
    sql: () => db.sql,
    publisher: () => new RecordingPublisher(),
    logger: silentLogger(),
    dependencies: () => runtime,
  });
  // The PaymentCreated the payments service wrote to its outbox, and the approval fraud would send.
  const [row] = await db.sql<{ envelope: EventEnvelope<'PaymentCreated'> }[]>`
    select envelope from outbox where payment_id = ${payment.id} and type = 'PaymentCreated'`;
  const createdEvent = row!.envelope;
  const approvedEvent = buildEvent('PaymentApproved', {
    merchantId: 'merchant_a',
    paymentId: payment.id,
    correlationId: createdEvent.correlationId,
    data: {
      payment: { ...createdEvent.data.payment, status: 'approved', version: 2 },
      decidedBy: 'fraud-model',
    },
  });
  const result = await handler(sqsEvent([sqsRecord(createdEvent), sqsRecord(approvedEvent)]));
  expect(result.batchItemFailures).toEqual([]);
});
afterAll(async () => {
  useSharedPublisher(undefined);
  await db?.stop();
});

const list = (id: string, options: Parameters<typeof call>[3] = {}) =>
  call(listNotifications, 'GET', `/payments/${id}/notifications`, options);

it("lists a payment's notifications, oldest first, with masked recipients", async () => {
  const res = await list(payment.id, { merchantId: 'merchant_a', scopes: ['audit:read'] });
  expect(res.status).toBe(200);
  expect(res.body.object).toBe('list');
  expect(res.body.hasMore).toBe(false);
  expect(
    res.body.data.map((n: Record<string, unknown>) => `${n.eventType}:${n.channel}:${n.status}`),
  ).toEqual(['PaymentCreated:email:sent', 'PaymentApproved:email:sent', 'PaymentApproved:sms:sent']);
  expect(res.body.data[0]).toMatchObject({
    object: 'notification',
    paymentId: payment.id,
    audience: 'customer',
    template: 'payment-received',
    recipient: 'a***@example.com',
    retryable: false,
    provider: 'test',
    attempt: 1,
  });
  expect(JSON.stringify(res.body)).not.toContain('ada@example.com');
});

it('pages with limit and starting_after', async () => {
  const first = await call(listNotifications, 'GET', `/payments/${payment.id}/notifications?limit=2`, {
    merchantId: 'merchant_a',
  });
  expect(first.body.data).toHaveLength(2);
  expect(first.body.hasMore).toBe(true);
  const rest = await call(
    listNotifications,
    'GET',
    `/payments/${payment.id}/notifications?limit=2&starting_after=${first.body.data[1].id}`,
    { merchantId: 'merchant_a' },
  );
  expect(rest.body.data.map((n: { channel: string }) => n.channel)).toEqual(['sms']);
  expect(rest.body.hasMore).toBe(false);
});

it("another merchant's payment is not found, like an unknown or malformed id", async () => {
  for (const id of [payment.id, '01a20eeb-4d1d-7463-bee8-92caa8b67bf4', 'not-a-uuid']) {
    const res = await list(id, { merchantId: id === payment.id ? 'merchant_b' : 'merchant_a' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
  }
});

it('needs the audit:read scope and a bearer token', async () => {
  const forbidden = await list(payment.id, { merchantId: 'merchant_a', scopes: ['payments:read'] });
  expect(forbidden.status).toBe(403);
  const anonymous = await list(payment.id, { anonymous: true });
  expect(anonymous.status).toBe(401);
});

it('rejects a bad query as a 400 problem', async () => {
  const res = await call(listNotifications, 'GET', `/payments/${payment.id}/notifications?limit=0`, {
    merchantId: 'merchant_a',
  });
  expect(res.status).toBe(400);
  expect(res.body.errors[0].field).toBe('query.limit');
});
