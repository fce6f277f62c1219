import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSinkNotifier } from '../../../functions/notifications/adapters/file-sink-notifier';
import { notifierFromEnvironment } from '../../../functions/notifications/composition';
import { mailSinkRoute, readSinkMessages, useLocalMailSink } from '../../../lib/local/mail-sink';
import { startTestDatabase } from '../../support/database';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mail-sink-'));
});
afterEach(async () => rm(dataDir, { recursive: true, force: true }));

it('points the notifications consumer at <dataDir>/outbox and keeps other settings given', () => {
  const env: NodeJS.ProcessEnv = { FRAUD_OPS_ADDRESS: 'mine@example.com' };
  const sink = useLocalMailSink(dataDir, env);
  expect(sink.dir).toBe(path.join(dataDir, 'outbox'));
  expect(env).toMatchObject({
    NOTIFIER: 'sink',
    RAMPAY_MAIL_SINK_DIR: sink.dir,
    FRAUD_OPS_ADDRESS: 'mine@example.com',
    SES_FROM_ADDRESS: 'no-reply@rampay.local',
  });
  expect(env.RECIPIENT_HASH_KEY).toBeTruthy();
  expect(notifierFromEnvironment(env)).toBeInstanceOf(FileSinkNotifier);
});

it('writes each message as one JSON file and lists them newest first', async () => {
  const sink = useLocalMailSink(dataDir, {});
  expect(await sink.messages()).toEqual([]); // no folder yet
  const notifier = new FileSinkNotifier(sink.dir, 'no-reply@rampay.local');
  const first = await notifier.send({
    channel: 'email',
    eventId: 'e1',
    template: 'payment-received',
    to: 'ada@example.com',
    subject: 'We received your payment of €12.50',
    text: 'text',
    html: '<p>html</p>',
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = await notifier.send({
    channel: 'sms',
    eventId: 'e2',
    template: 'payment-approved',
    to: '+447700900123',
    text: 'RamPay: approved',
  });
  expect(first.provider).toBe('sink');
  const files = await readdir(sink.dir);
  expect(files).toHaveLength(2);
  expect(files.every((f) => f.endsWith('.json'))).toBe(true);

  const listed = await sink.messages();
  expect(listed.map((m) => m.id)).toEqual([second.providerMessageId, first.providerMessageId]);
  expect(listed[1]).toMatchObject({
    channel: 'email',
    from: 'no-reply@rampay.local',
    to: 'ada@example.com',
    subject: 'We received your payment of €12.50',
    html: '<p>html</p>',
  });
  expect(listed[0]).toMatchObject({ channel: 'sms', to: '+447700900123', text: 'RamPay: approved' });
  expect(await readSinkMessages(sink.dir, 1)).toHaveLength(1);
});

it("serves a token the messages about its own merchant's events only", async () => {
  const db = await startTestDatabase();
  try {
    const sink = useLocalMailSink(dataDir, {});
    const notifier = new FileSinkNotifier(sink.dir);
    for (const [eventId, to] of [
      ['evt_a', 'ada@example.com'],
      ['evt_b', 'bob@example.com'],
    ] as const) {
      await notifier.send({
        channel: 'email',
        eventId,
        template: 'payment-received',
        to,
        subject: 's',
        text: 't',
        html: '<p>t</p>',
      });
    }
    for (const [eventId, merchantId] of [
      ['evt_a', 'merchant_a'],
      ['evt_b', 'merchant_b'],
    ] as const) {
      await db.sql`
        insert into notification_deliveries (event_id, channel, recipient_hash, event_type, merchant_id, payment_id,
                                             audience, template, recipient_masked, state)
        values (${eventId}, 'email', ${`hash_${eventId}`}, 'PaymentCreated', ${merchantId}, 'p', 'customer',
                'payment-received', 'a***@example.com', 'sent')`;
    }
    const route = mailSinkRoute(sink, db.sql);
    expect(route).toMatchObject({ method: 'GET', path: '/local/notifications', scope: 'audit:read' });
    const listFor = async (merchantId: string) => {
      const served = await route.serve({ claims: { merchant_id: merchantId } } as never);
      expect(served.status).toBe(200);
      return (served.body as { data: { to: string }[] }).data.map((m) => m.to);
    };
    expect(await listFor('merchant_a')).toEqual(['ada@example.com']);
    expect(await listFor('merchant_b')).toEqual(['bob@example.com']);
    expect(await listFor('merchant_c')).toEqual([]);
  } finally {
    await db.stop();
  }
});
