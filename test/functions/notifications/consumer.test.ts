/**
 * The notifications consumer through the consumer runtime's SQS handler, on PGlite or (DATABASE_URL) a server:
 * what is sent, what the audit log says, and exactly one message per (event, channel, recipient) under
 * duplicated, concurrent and crashed deliveries.
 */
import type { SQSRecord } from 'aws-lambda';
import type { AnyEventEnvelope } from '../../../functions/domain/events';
import { PostgresDeliveryLedger } from '../../../functions/notifications/adapters/postgres-delivery-ledger';
import { PostgresMerchantSettings } from '../../../functions/notifications/adapters/postgres-merchant-settings';
import { notificationsConsumer } from '../../../functions/notifications/consumer';
import { createMaskingLogger } from '../../../functions/notifications/logger';
import { recipientHash } from '../../../functions/notifications/recipients';
import { TemplateSet } from '../../../functions/notifications/templates';
import { notify, RetryLaterError } from '../../../functions/notifications/use-cases/notify';
import type { NotificationsRuntime } from '../../../functions/notifications/composition';
import { consumerHandler, type SqsBatchHandler } from '../../../functions/shared/consumer/runtime';
import { onServer, startTestDatabase, type TestDatabase } from '../../support/database';
import { RecordingPublisher, sqsEvent, sqsRecord } from '../shared/consumer/fixtures';
import {
  anomaly,
  approved,
  captureOutput,
  created,
  endpointDisabled,
  failed,
  HASH_KEY,
  RecordingNotifier,
  silentLogger,
} from './support';

let db: TestDatabase;
let notifier: RecordingNotifier;
let runtime: NotificationsRuntime;
let handler: SqsBatchHandler;
const templates = new TemplateSet();

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

function build(config: Partial<NotificationsRuntime['config']> = {}, logger = silentLogger()): void {
  notifier = new RecordingNotifier();
  runtime = {
    sql: db.sql,
    notifier,
    templates,
    config: { leaseSeconds: 60, hashKey: HASH_KEY, fraudOpsAddress: 'fraud-ops@rampay.example', ...config },
    independentLedger: (db.sql.options.max ?? 1) > 1,
  };
  handler = consumerHandler(notificationsConsumer, {
    sql: () => db.sql,
    publisher: () => new RecordingPublisher(),
    logger,
    dependencies: () => runtime,
  });
}

beforeEach(() => build());

interface AuditRow {
  channel: string;
  audience: string;
  template: string;
  recipient_masked: string;
  recipient_hash: string;
  status: string;
  reason: string | null;
  retryable: boolean;
  provider: string | null;
  provider_message_id: string | null;
  attempt: number;
}

async function auditOf(event: AnyEventEnvelope): Promise<AuditRow[]> {
  return db.sql<AuditRow[]>`
    select channel, audience, template, recipient_masked, recipient_hash, status, reason, retryable, provider,
           provider_message_id, attempt
      from notification_audit where event_id = ${event.id} order by id`;
}

function sentTo(to: string): number {
  return notifier.sent.filter((m) => m.to === to).length;
}

function redelivery(event: AnyEventEnvelope, receiveCount: number): SQSRecord {
  const record = sqsRecord(event);
  return { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) } };
}

it('sends the customer an e-mail and an SMS for an approved payment, and audits both', async () => {
  const event = approved();
  const result = await handler(sqsEvent([sqsRecord(event)]));
  expect(result.batchItemFailures).toEqual([]);
  expect(notifier.sent.map((m) => `${m.channel}:${m.to}`)).toEqual([
    'email:ada@example.com',
    'sms:+447700900123',
  ]);
  const email = notifier.sent[0]!;
  expect(email.channel === 'email' && email.subject).toBe('Your payment of €12.50 is approved');

  const audit = await auditOf(event);
  expect(audit).toEqual([
    expect.objectContaining({
      channel: 'email',
      audience: 'customer',
      template: 'payment-approved',
      recipient_masked: 'a***@example.com',
      recipient_hash: recipientHash(HASH_KEY, 'email', 'ada@example.com'),
      status: 'sent',
      provider: 'test',
      attempt: 1,
      reason: null,
      retryable: false,
    }),
    expect.objectContaining({ channel: 'sms', recipient_masked: '+44******123', status: 'sent', attempt: 1 }),
  ]);
  expect(audit.every((a) => a.provider_message_id?.startsWith('msg-'))).toBe(true);
  const raw = JSON.stringify(await db.sql`select * from notification_audit where event_id = ${event.id}`);
  expect(raw).not.toContain('ada@example.com');
  expect(raw).not.toContain('+447700900123');
});

it('sends the fraud-operations alert for a hold, besides the customer news', async () => {
  const event = anomaly('hold');
  await handler(sqsEvent([sqsRecord(event)]));
  expect(notifier.sent.map((m) => `${m.channel}:${m.template}:${m.to}`)).toEqual([
    'email:payment-held:ada@example.com',
    'sms:payment-held:+447700900123',
    'email:fraud-alert:fraud-ops@rampay.example',
  ]);
  expect((await auditOf(event)).map((a) => `${a.audience}:${a.status}`)).toEqual([
    'customer:sent',
    'customer:sent',
    'fraud_ops:sent',
  ]);
});

it('a duplicated delivery sends nothing again (same batch, and a later redelivery)', async () => {
  const event = failed();
  await handler(sqsEvent([sqsRecord(event), sqsRecord(event)]));
  const again = await handler(sqsEvent([redelivery(event, 2)]));
  expect(again.batchItemFailures).toEqual([]);
  expect(sentTo('ada@example.com')).toBe(1);
  expect(sentTo('+447700900123')).toBe(1);
  expect(await auditOf(event)).toHaveLength(2);
});

it('concurrent deliveries of one event send each message exactly once', async () => {
  const event = approved();
  notifier.delayMs = 20; // keep the sends in flight while the other deliveries arrive
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => handler(sqsEvent([redelivery(event, i + 1)]))),
  );
  expect(results.every((r) => r.batchItemFailures.length === 0)).toBe(true);
  expect(sentTo('ada@example.com')).toBe(1);
  expect(sentTo('+447700900123')).toBe(1);
  expect((await auditOf(event)).map((a) => a.status)).toEqual(['sent', 'sent']);
});

it('the ledger alone keeps concurrent attempts to one send each, even without the inbox', async () => {
  // What happens when the inbox cannot help: its row rolled back (a crash, a failed batch commit) after a send.
  const event = approved();
  notifier.delayMs = 20;
  const deps = () => ({
    notifier,
    // As the consumer builds it on a pool: each statement its own transaction, committed asynchronously.
    ledger: new PostgresDeliveryLedger(db.sql, true),
    merchantSettings: new PostgresMerchantSettings(db.sql),
    templates,
    config: runtime.config,
    logger: silentLogger(),
  });
  const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => notify(event, deps())));
  expect(sentTo('ada@example.com')).toBe(1);
  expect(sentTo('+447700900123')).toBe(1);
  const rejected = outcomes.filter((o) => o.status === 'rejected');
  for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RetryLaterError);
  if (onServer) {
    // On a server the attempts overlap: those that met a live claim asked to be retried later.
    expect(rejected.length).toBeGreaterThan(0);
  }
  // Once the first attempt finished, every later one finds the messages done.
  await notify(event, deps());
  expect(notifier.sent).toHaveLength(2);
});

it('a crash between claim and send: the redelivery waits for the lease, then sends once', async () => {
  const event = approved({ customer: { id: 'cus_c', email: 'crash@example.com' } });
  const ledger = new PostgresDeliveryLedger(db.sql);
  const record = {
    eventId: event.id,
    channel: 'email' as const,
    recipientHash: recipientHash(HASH_KEY, 'email', 'crash@example.com'),
    eventType: event.type,
    merchantId: event.merchantId,
    paymentId: event.paymentId,
    audience: 'customer' as const,
    template: 'payment-approved' as const,
    recipientMasked: 'c***@example.com',
  };
  // A first attempt claimed the message and died.
  expect((await ledger.claim(record, 60)).kind).toBe('claimed');

  const early = await handler(sqsEvent([redelivery(event, 2)]));
  expect(early.batchItemFailures).toHaveLength(1);
  expect(notifier.sent).toHaveLength(0);

  await db.sql`update notification_deliveries set lease_until = now() - interval '1 second'
                where event_id = ${event.id}`;
  const late = await handler(sqsEvent([redelivery(event, 3)]));
  expect(late.batchItemFailures).toEqual([]);
  expect(sentTo('crash@example.com')).toBe(1);
  expect((await auditOf(event)).map((a) => `${a.status}:${a.attempt}:${a.retryable}`)).toEqual([
    'failed:1:true',
    'sent:2:false',
  ]);
  const [unknown] = await auditOf(event);
  expect(unknown!.reason).toMatch(/outcome unknown/);
});

it('throttling fails the record so SQS redelivers it; the retry sends only what is missing', async () => {
  const event = approved();
  notifier.plan('+447700900123', 'throttle');
  const first = await handler(sqsEvent([sqsRecord(event)]));
  expect(first.batchItemFailures).toHaveLength(1);

  const second = await handler(sqsEvent([redelivery(event, 2)]));
  expect(second.batchItemFailures).toEqual([]);
  expect(sentTo('+447700900123')).toBe(1);
  const audit = (await auditOf(event)).map((a) => `${a.channel}:${a.status}:${a.attempt}:${a.retryable}`);
  if (runtime.independentLedger) {
    // The e-mail went out on the first delivery and its claim was committed: it is not sent again.
    expect(sentTo('ada@example.com')).toBe(1);
    expect(audit).toEqual(['email:sent:1:false', 'sms:failed:1:true', 'sms:sent:2:false']);
  } else {
    // One-connection pool (embedded PGlite): the ledger shares the record's transaction, which the failure rolled
    // back, so the e-mail goes again: the documented at-least-once of the local platform.
    expect(sentTo('ada@example.com')).toBe(2);
    expect(audit).toEqual(['email:sent:1:false', 'sms:sent:1:false']);
  }
});

it('a permanent error is recorded as failed and not retried', async () => {
  const event = approved();
  notifier.plan('ada@example.com', 'reject');
  const result = await handler(sqsEvent([sqsRecord(event)]));
  expect(result.batchItemFailures).toEqual([]);
  expect(sentTo('ada@example.com')).toBe(0);
  expect(sentTo('+447700900123')).toBe(1);
  const [email] = await auditOf(event);
  expect(email).toMatchObject({
    channel: 'email',
    status: 'failed',
    retryable: false,
    provider: 'ses',
    attempt: 1,
  });
  expect(email!.reason).toMatch(/MessageRejected/);
  const [row] =
    await db.sql`select state from notification_deliveries where event_id = ${event.id} and channel = 'email'`;
  expect(row!.state).toBe('failed');
});

it('suppresses invalid recipients, opted-out channels and (in the SES sandbox) unverified addresses', async () => {
  const invalid = approved({ customer: { id: 'cus_i', email: 'ada@@example.com', phone: '07700 900123' } });
  await db.sql`insert into notification_preferences (merchant_id, customer_id, email, sms)
               values ('merchant_n', 'cus_optout', true, false)`;
  const optedOut = approved({
    customer: { id: 'cus_optout', email: 'opt@example.com', phone: '+447700900999' },
  });
  build({ sandboxRecipients: ['@example.com', 'verified@elsewhere.org'] });
  const sandboxed = approved({ customer: { id: 'cus_s', email: 'someone@elsewhere.org' } });
  const result = await handler(sqsEvent([sqsRecord(invalid), sqsRecord(optedOut), sqsRecord(sandboxed)]));
  expect(result.batchItemFailures).toEqual([]);
  expect(notifier.sent.map((m) => m.to)).toEqual(['opt@example.com']);
  expect((await auditOf(invalid)).map((a) => `${a.channel}:${a.status}:${a.reason}:${a.attempt}`)).toEqual([
    'email:suppressed:invalid e-mail address:0',
    'sms:suppressed:invalid phone number (not E.164):0',
  ]);
  expect((await auditOf(optedOut)).map((a) => `${a.channel}:${a.status}:${a.reason}`)).toEqual([
    'email:sent:null',
    'sms:suppressed:customer opted out of sms',
  ]);
  expect((await auditOf(sandboxed)).map((a) => `${a.status}:${a.reason}`)).toEqual([
    'suppressed:SES sandbox: recipient not verified',
  ]);
});

describe("the merchant's notice that a webhook endpoint was disabled", () => {
  const settings = () => new PostgresMerchantSettings(db.sql);

  it('is e-mailed once to the notification address the merchant set, and audited masked', async () => {
    await settings().put('merchant_notice', { notificationEmail: 'Ops@Shop.example.com' });
    const event = endpointDisabled('merchant_notice');
    const out = captureOutput();
    try {
      build({}, createMaskingLogger({ logLevel: 'DEBUG' }));
      expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toEqual([]);
      expect((await handler(sqsEvent([redelivery(event, 2)]))).batchItemFailures).toEqual([]);
    } finally {
      out.restore();
    }
    expect(notifier.sent).toHaveLength(1);
    const email = notifier.sent[0]!;
    expect(email).toMatchObject({ channel: 'email', to: 'ops@shop.example.com', eventId: event.id });
    expect(email.channel === 'email' && email.subject).toBe(
      'Your RamPay webhook endpoint was disabled: https://shop.example.com/rampay/hooks',
    );
    expect(email.channel === 'email' && email.text).toContain(
      `POST /webhook-endpoints/${event.data.endpoint.id}/enable`,
    );
    expect(email.channel === 'email' && email.text).toContain('Description: order fulfilment');
    expect(await auditOf(event)).toEqual([
      expect.objectContaining({
        channel: 'email',
        audience: 'merchant',
        template: 'webhook-endpoint-disabled',
        recipient_masked: 'o***@shop.example.com',
        recipient_hash: recipientHash(HASH_KEY, 'email', 'ops@shop.example.com'),
        status: 'sent',
        attempt: 1,
      }),
    ]);
    const [row] = await db.sql`
      select payment_id, merchant_id from notification_audit where event_id = ${event.id}`;
    expect(row).toEqual({ payment_id: null, merchant_id: 'merchant_notice' });
    expect(out.lines().join('\n')).not.toMatch(/ops@shop\.example\.com/i);
  });

  it('goes nowhere when the merchant set no address (the event stays in its feed)', async () => {
    const event = endpointDisabled('merchant_no_address');
    expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toEqual([]);
    expect(notifier.sent).toEqual([]);
    expect(await auditOf(event)).toEqual([]);
  });

  it('is suppressed, not sent, outside the SES sandbox', async () => {
    build({ sandboxRecipients: ['@rampay.example'] });
    await settings().put('merchant_sandboxed', { notificationEmail: 'ops@shop.example.com' });
    const event = endpointDisabled('merchant_sandboxed');
    expect((await handler(sqsEvent([sqsRecord(event)]))).batchItemFailures).toEqual([]);
    expect(notifier.sent).toEqual([]);
    expect((await auditOf(event)).map((a) => `${a.audience}:${a.status}:${a.reason}`)).toEqual([
      'merchant:suppressed:SES sandbox: recipient not verified',
    ]);
  });
});

it('never logs a full address or phone number, even in provider errors', async () => {
  const out = captureOutput();
  try {
    build({}, createMaskingLogger({ logLevel: 'DEBUG' }));
    notifier.plan('ada@example.com', 'reject');
    notifier.plan('+447700900123', 'throttle');
    const event = approved();
    await handler(sqsEvent([sqsRecord(event)]));
    // The runtime logs a malformed message by its id, never its body.
    await handler(
      sqsEvent([sqsRecord(JSON.stringify({ hello: 'bob@example.com', phone: '+447700900555' }))]),
    );
  } finally {
    out.restore();
  }
  const text = out.lines().join('\n');
  expect(text).toContain('a***@example.com');
  expect(text).toContain('+44******123');
  expect(text).toMatch(/"message":"rejected a malformed message[^\n]*"errorClass":"InvalidEventError"/);
  expect(text).not.toMatch(/ada@example\.com|bob@example\.com|\+447700900123|\+447700900555/);
});

describe('the audit log is append-only', () => {
  it('refuses UPDATE and DELETE, whoever asks', async () => {
    const event = created();
    await handler(sqsEvent([sqsRecord(event)]));
    await expect(
      db.sql`update notification_audit set status = 'sent' where event_id = ${event.id}`,
    ).rejects.toThrow(/append-only/);
    await expect(db.sql`delete from notification_audit where event_id = ${event.id}`).rejects.toThrow(
      /append-only/,
    );
    await expect(db.sql`truncate notification_audit`).rejects.toThrow(/append-only/);
    expect(await auditOf(event)).toHaveLength(1);
  });

  it('the service role may insert and read it, and has no UPDATE or DELETE grant', async () => {
    const [grants] = await db.sql<{ ins: boolean; sel: boolean; upd: boolean; del: boolean }[]>`
      select has_table_privilege('rampay_notifications', 'notification_audit', 'insert') as ins,
             has_table_privilege('rampay_notifications', 'notification_audit', 'select') as sel,
             has_table_privilege('rampay_notifications', 'notification_audit', 'update') as upd,
             has_table_privilege('rampay_notifications', 'notification_audit', 'delete') as del`;
    expect(grants).toEqual({ ins: true, sel: true, upd: false, del: false });
    const [ledger] = await db.sql<{ upd: boolean }[]>`
      select has_table_privilege('rampay_notifications', 'notification_deliveries', 'update') as upd`;
    expect(ledger!.upd).toBe(true);
  });
});

it('a database hiccup while recording a send is retried, never taken for a failed send', async () => {
  const event = approved({ customer: { id: 'cus_h', email: 'hiccup@example.com' } });
  const real = new PostgresDeliveryLedger(db.sql, true);
  let failures = 1;
  const flaky = {
    claim: real.claim.bind(real),
    suppress: real.suppress.bind(real),
    complete: async (...args: Parameters<PostgresDeliveryLedger['complete']>) => {
      if (failures-- > 0) throw new Error('connection reset');
      return real.complete(...args);
    },
  };
  const summary = await notify(event, {
    notifier,
    ledger: flaky,
    merchantSettings: new PostgresMerchantSettings(db.sql),
    templates,
    config: runtime.config,
    logger: silentLogger(),
  });
  expect(summary).toMatchObject({ sent: 1, failed: 0, retry: 0 });
  expect(sentTo('hiccup@example.com')).toBe(1);
  expect((await auditOf(event)).map((a) => `${a.status}:${a.attempt}`)).toEqual(['sent:1']);
});
