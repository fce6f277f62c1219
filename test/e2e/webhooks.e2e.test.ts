/**
 * Webhooks end to end on the local platform: a merchant registers an endpoint served by this test, creates a
 * payment over HTTP, and receives PaymentCreated and the fraud decision's event, each signed so that the
 * `standardwebhooks` library verifies it with the secret the registration answered; the delivery log shows them.
 * An endpoint that fails everything for the retry window (shrunk to seconds here) is disabled, and the merchant
 * is told: the notice is in its feed, at its endpoint that asked for it, and in an e-mail to the address it set.
 */
import { Webhook } from 'standardwebhooks';
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';
import { eventually, Receiver } from '../functions/webhooks/support';

let platform: Platform;
let token: string;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await new Receiver().start();
  // The 3-day retry window shrunk to about 5 s.
  platform = await startTestPlatform({ WEBHOOKS_SWEEP_INTERVAL_MS: '1000', WEBHOOKS_RETRY_SCALE: '0.00002' });
  token = await platform.issuer.issue({
    merchantId: 'merchant_hooks',
    scopes: [
      'payments:read',
      'payments:write',
      'webhooks:read',
      'webhooks:write',
      'settings:read',
      'settings:write',
      'audit:read',
    ],
  });
}, 90_000);
afterAll(async () => {
  await platform?.stop();
  await receiver?.stop();
});

async function http(
  method: string,
  url: string,
  options: { body?: unknown; key?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${platform.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, body: await res.json() };
}

it('delivers PaymentCreated and the fraud decision, signed, to an endpoint the merchant registered', async () => {
  const url = receiver.script('/rampay', [{ status: 200 }]);
  const created = await http('POST', '/webhook-endpoints', {
    body: { url, description: 'e2e receiver' },
    key: 'register-1',
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ object: 'webhook_endpoint', url, status: 'enabled', events: null });
  const secret = created.body.secret as string;
  expect(secret).toMatch(/^whsec_/);
  // The same key replays the same answer, secret included; reading it back never shows the secret.
  const replay = await http('POST', '/webhook-endpoints', {
    body: { url, description: 'e2e receiver' },
    key: 'register-1',
  });
  expect(replay.body).toEqual(created.body);
  expect((await http('GET', `/webhook-endpoints/${created.body.id}`)).body.secret).toBeUndefined();

  const payment = await http('POST', '/payments', { body: paymentRequest(), key: 'pay-1' });
  expect(payment.status).toBe(201);

  const received = await eventually(
    'PaymentCreated and a decision',
    async () => {
      const types = receiver.at('/rampay').map((r) => JSON.parse(r.body).type as string);
      return types.includes('PaymentCreated') &&
        types.some((t) => ['PaymentApproved', 'PaymentFailed', 'AnomalyDetected'].includes(t))
        ? receiver.at('/rampay')
        : undefined;
    },
    45_000,
  );
  const webhook = new Webhook(secret);
  for (const request of received) {
    const event = webhook.verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }) as { id: string; paymentId: string; merchantId: string };
    expect(event).toMatchObject({ paymentId: payment.body.id, merchantId: 'merchant_hooks' });
    expect(request.headers['webhook-id']).toBe(event.id);
  }
  // The bodies are the events of the merchant's feed: same ids.
  const feed = await http('GET', `/events?payment_id=${payment.body.id}`);
  const feedIds = feed.body.data.map((e: { id: string }) => e.id);
  for (const request of received) expect(feedIds).toContain(JSON.parse(request.body).id);

  const log = await eventually('the delivery log', async () => {
    const res = await http('GET', `/webhook-endpoints/${created.body.id}/deliveries`);
    return res.body.data.length >= received.length ? res.body : undefined;
  });
  expect(log.data.every((d: { status: string }) => d.status === 'succeeded')).toBe(true);
  expect(log.data[0]).toMatchObject({ object: 'webhook_delivery', attempts: 1, lastStatusCode: 200 });
}, 90_000);

it('refuses an endpoint that is not https, nor http on 127.0.0.1', async () => {
  const refused = await http('POST', '/webhook-endpoints', {
    body: { url: 'http://example.com/hook' },
    key: 'bad-1',
  });
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(/https/) }]);
  const local = await http('POST', '/webhook-endpoints', {
    body: { url: 'https://localhost/hook' },
    key: 'bad-2',
  });
  expect(local.status).toBe(400);
  expect(local.body.errors[0].message).toMatch(/loopback/);
});

it('disables an endpoint that failed everything for the window, and tells the merchant three ways', async () => {
  const settings = await http('PUT', '/merchant/settings', {
    body: { notificationEmail: 'ops@hooks.example' },
  });
  expect(settings).toMatchObject({ status: 200, body: { notificationEmail: 'ops@hooks.example' } });
  const dead = await http('POST', '/webhook-endpoints', {
    body: { url: receiver.script('/dead', [{ status: 500 }]), description: 'broken shop' },
    key: 'register-dead',
  });
  const watcherUrl = receiver.script('/watcher', [{ status: 204 }]);
  const watcher = await http('POST', '/webhook-endpoints', {
    body: { url: watcherUrl, events: ['WebhookEndpointDisabled'] },
    key: 'register-watcher',
  });
  expect([dead.status, watcher.status]).toEqual([201, 201]);
  await http('POST', '/payments', { body: paymentRequest(), key: 'pay-dead' });

  const disabled = await eventually(
    'the endpoint disabled',
    async () => {
      const res = await http('GET', `/webhook-endpoints/${dead.body.id}`);
      return res.body.status === 'disabled' ? res.body : undefined;
    },
    45_000,
  );
  expect(disabled).toMatchObject({ disabledReason: 'failing', disabledAt: expect.any(String) });

  // 1. The merchant's feed: a merchant event, naming no payment.
  const feed = await http('GET', '/events?type=WebhookEndpointDisabled');
  expect(feed.body.data).toHaveLength(1);
  const [notice] = feed.body.data;
  expect(notice).not.toHaveProperty('paymentId');
  expect(notice).toMatchObject({
    merchantId: 'merchant_hooks',
    data: {
      endpoint: { id: dead.body.id, description: 'broken shop' },
      reason: 'failing',
      disabledAt: disabled.disabledAt,
    },
  });

  // 2. The endpoint that asked for notices gets it, signed with its own secret; the disabled one never does.
  const [delivered] = await eventually('the notice at the watcher', async () => {
    const got = receiver.at('/watcher');
    return got.length > 0 ? got : undefined;
  });
  const verified = new Webhook(watcher.body.secret).verify(delivered!.body, {
    'webhook-id': String(delivered!.headers['webhook-id']),
    'webhook-timestamp': String(delivered!.headers['webhook-timestamp']),
    'webhook-signature': String(delivered!.headers['webhook-signature']),
  });
  expect(verified).toEqual(notice);
  expect(receiver.at('/dead').some((r) => JSON.parse(r.body).type === 'WebhookEndpointDisabled')).toBe(false);

  // 3. An e-mail to the notification address, audited with the address masked.
  const mail = await eventually('the e-mail', async () => {
    const sink = await http('GET', '/local/notifications');
    return (sink.body.data as { to: string; template: string; subject: string; eventId: string }[]).find(
      (m) => m.template === 'webhook-endpoint-disabled',
    );
  });
  expect(mail).toMatchObject({ to: 'ops@hooks.example', eventId: notice.id });
  expect(mail.subject).toContain(dead.body.url);
  const audit = await platform.sql`
    select audience, recipient_masked, status, payment_id from notification_audit where event_id = ${notice.id}`;
  expect(audit).toEqual([
    { audience: 'merchant', recipient_masked: 'o***@hooks.example', status: 'sent', payment_id: null },
  ]);
}, 90_000);
