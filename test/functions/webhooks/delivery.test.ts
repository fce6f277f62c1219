/**
 * Webhook deliveries through the real webhooks queue (local SNS/SQS), handler, stores and HTTP sender, to a local
 * receiver; signatures are checked with the `standardwebhooks` library, as a merchant would.
 */
import { Webhook } from 'standardwebhooks';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import { InvalidInputError } from '../../../functions/domain/errors';
import {
  attemptDelivery,
  listDeliveries,
  redeliver,
  registerEndpoint,
  rotateSecret,
  setEndpointStatus,
  sweepDueDeliveries,
  RESPONSE_BODY_LIMIT,
  type EndpointDeps,
  type WebhookDelivery,
} from '../../../functions/webhooks';
import { paymentSnapshot } from '../../support/fixtures';
import { eventually, Receiver, startHarness, type Harness } from './support';

let h: Harness;
let receiver: Receiver;

beforeAll(async () => {
  h = await startHarness();
  receiver = await new Receiver().start();
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await receiver?.stop();
});

async function register(merchantId: string, url: string, events?: ('PaymentCreated' | 'PaymentApproved')[]) {
  const { endpoint, sealedSecret } = await registerEndpoint(h.endpointDeps, merchantId, {
    url,
    ...(events ? { events } : {}),
  });
  return { endpoint, secret: await h.endpointDeps.sealer.open(sealedSecret, endpoint.id) };
}

const logDeps = () => ({ endpoints: h.endpointDeps.endpoints, deliveries: h.runtime.deliveries });

async function deliveriesOf(merchantId: string, endpointId: string): Promise<WebhookDelivery[]> {
  return (await listDeliveries(logDeps(), merchantId, endpointId, { limit: 100 })).items;
}

async function settled(merchantId: string, endpointId: string, status: WebhookDelivery['status'], count = 1) {
  return eventually(`${count} ${status} deliveries`, async () => {
    const items = (await listDeliveries(logDeps(), merchantId, endpointId, { limit: 100 })).items;
    return items.filter((d) => d.status === status).length >= count ? items : undefined;
  });
}

function headersOf(r: { headers: Record<string, string | string[] | undefined> }): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

it('delivers each event signed in the Standard Webhooks format, which the standardwebhooks library verifies', async () => {
  const url = receiver.script('/signed', [{ status: 204 }]);
  const { endpoint, secret } = await register('merchant_sig', url);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const eventId = await h.publish('merchant_sig');

  const [delivery] = await settled('merchant_sig', endpoint.id, 'succeeded');
  const [request] = receiver.at('/signed');
  const verified = new Webhook(secret).verify(request!.body, headersOf(request!)) as {
    id: string;
    type: string;
  };
  expect(verified).toMatchObject({ id: eventId, type: 'PaymentCreated', merchantId: 'merchant_sig' });
  expect(request!.headers['webhook-id']).toBe(eventId);
  expect(request!.headers['content-type']).toBe('application/json');
  expect(() =>
    new Webhook(secret).verify(request!.body.replace('merchant_sig', 'merchant_xxx'), headersOf(request!)),
  ).toThrow();
  expect(delivery).toMatchObject({ eventId, eventType: 'PaymentCreated', attempts: 1, lastStatusCode: 204 });
  expect(delivery!.lastResponseMs).toBeGreaterThanOrEqual(0);
});

it('writes each event once per endpoint, however often it arrives, and only to endpoints that take its type', async () => {
  const all = await register('merchant_once', receiver.script('/once-all', [{ status: 200 }]));
  const approvedOnly = await register('merchant_once', receiver.script('/once-approved', [{ status: 200 }]), [
    'PaymentApproved',
  ]);
  const payment = paymentSnapshot({ merchantId: 'merchant_once', id: crypto.randomUUID() });
  const event = buildEvent('PaymentCreated', {
    merchantId: 'merchant_once',
    paymentId: payment.id,
    correlationId: 'c-once',
    data: { payment },
  });
  await h.messaging.publisher.publish([event]);
  await h.messaging.publisher.publish([event]);
  await settled('merchant_once', all.endpoint.id, 'succeeded');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(receiver.at('/once-all')).toHaveLength(1);
  expect(await deliveriesOf('merchant_once', approvedOnly.endpoint.id)).toEqual([]);
  expect(receiver.at('/once-approved')).toHaveLength(0);
});

it('retries after 500s and timeouts, with the same id, until the endpoint answers 2xx', async () => {
  const url = receiver.script('/flaky', [
    { status: 500, body: 'x'.repeat(5000) },
    { status: 200, delayMs: 1500 }, // past the 500 ms timeout
    { status: 201 },
  ]);
  const { endpoint, secret } = await register('merchant_flaky', url);
  const eventId = await h.publish('merchant_flaky');
  const [delivery] = await settled('merchant_flaky', endpoint.id, 'succeeded');
  const requests = receiver.at('/flaky');
  expect(requests).toHaveLength(3);
  expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
  for (const r of requests) expect(() => new Webhook(secret).verify(r.body, headersOf(r))).not.toThrow();
  expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 201, status: 'succeeded' });
});

it('keeps a truncated response body and says why an attempt without a response failed', async () => {
  const url = receiver.script('/verbose', [{ status: 503, body: 'y'.repeat(10_000) }]);
  const { endpoint } = await register('merchant_verbose', url);
  await h.publish('merchant_verbose');
  const [delivery] = await eventually('a failed attempt', async () => {
    const items = await listDeliveries(logDeps(), 'merchant_verbose', endpoint.id, { limit: 10 });
    return items.items[0]?.attempts ? items.items : undefined;
  });
  expect(delivery!.lastStatusCode).toBe(503);
  expect(delivery!.lastResponseBody).toHaveLength(RESPONSE_BODY_LIMIT);
  expect(delivery!.nextAttemptAt).not.toBeNull();
  await setEndpointStatus(h.endpointDeps, 'merchant_verbose', endpoint.id, 'disabled');
});

it('redelivers a delivered event on request', async () => {
  const url = receiver.script('/again', [{ status: 200 }]);
  const { endpoint } = await register('merchant_again', url);
  await h.publish('merchant_again');
  const [delivery] = await settled('merchant_again', endpoint.id, 'succeeded');
  const again = await redeliver(logDeps(), 'merchant_again', endpoint.id, delivery!.id);
  expect(again.status).toBe('pending');
  await sweepDueDeliveries(h.runtime);
  await eventually('the second request', async () => (receiver.at('/again').length === 2 ? true : undefined));
  const [after] = await settled('merchant_again', endpoint.id, 'succeeded');
  expect(after!.attempts).toBe(2);
  await expect(redeliver(logDeps(), 'merchant_other', endpoint.id, delivery!.id)).rejects.toThrow(
    /no webhook endpoint/,
  );
});

it('signs with both secrets for 24 hours after a rotation, then with the new one alone', async () => {
  const url = receiver.script('/rotate', [{ status: 200 }]);
  const { endpoint, secret: oldSecret } = await register('merchant_rotate', url);
  const rotated = await rotateSecret(h.endpointDeps, 'merchant_rotate', endpoint.id);
  const newSecret = await h.endpointDeps.sealer.open(rotated.sealedSecret, endpoint.id);
  expect(newSecret).not.toBe(oldSecret);
  expect(rotated.endpoint.previousSecretExpiresAt!.getTime() - Date.now()).toBeGreaterThan(
    23.9 * 3600 * 1000,
  );

  await h.publish('merchant_rotate');
  await settled('merchant_rotate', endpoint.id, 'succeeded');
  const [during] = receiver.at('/rotate');
  expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  expect(() => new Webhook(oldSecret).verify(during!.body, headersOf(during!))).not.toThrow();
  expect(() => new Webhook(newSecret).verify(during!.body, headersOf(during!))).not.toThrow();

  // The overlap has ended.
  await h.db.sql`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second'
                  where id = ${endpoint.id}`;
  await h.publish('merchant_rotate');
  await settled('merchant_rotate', endpoint.id, 'succeeded', 2);
  const after = receiver.at('/rotate')[1]!;
  expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(() => new Webhook(newSecret).verify(after.body, headersOf(after))).not.toThrow();
  expect(() => new Webhook(oldSecret).verify(after.body, headersOf(after))).toThrow();
});

it('fails a delivery after its last attempt and disables an endpoint that failed everything for the window', async () => {
  const url = receiver.script('/dead', [{ status: 500 }]);
  const { endpoint } = await register('merchant_dead', url);
  await h.publish('merchant_dead');
  // The 3-day window shrunk by the test's scale is about 5 s.
  const [delivery] = await eventually(
    'the delivery to fail',
    async () => {
      const items = (await listDeliveries(logDeps(), 'merchant_dead', endpoint.id, { limit: 10 })).items;
      return items[0]?.status === 'failed' ? items : undefined;
    },
    30_000,
  );
  expect(delivery!.attempts).toBeGreaterThanOrEqual(3);
  expect(delivery!.nextAttemptAt).toBeNull();
  const stored = await h.endpointDeps.endpoints.find('merchant_dead', endpoint.id);
  expect(stored).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
  expect(h.notices.disabled).toContain(endpoint.id);
  // A disabled endpoint gets nothing.
  const before = receiver.at('/dead').length;
  await h.publish('merchant_dead');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(receiver.at('/dead')).toHaveLength(before);
}, 40_000);

it("a slow endpoint does not hold up another merchant's deliveries", async () => {
  const slow = await register('merchant_slow', receiver.script('/slow', [{ status: 200, delayMs: 5000 }]));
  const fast = await register('merchant_fast', receiver.script('/fast', [{ status: 200 }]));
  for (let i = 0; i < 12; i += 1) await h.publish('merchant_slow');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await h.publish('merchant_fast');
  const arrived = await eventually('the fast delivery', async () => receiver.at('/fast')[0]);
  // Behind the slow endpoint's deliveries it would come after all twelve had been attempted; it comes before.
  const slowAttemptedBefore = receiver.at('/slow').filter((r) => r.at <= arrived!.at).length;
  expect(slowAttemptedBefore).toBeLessThan(12);
  // At most endpointConcurrency (2) attempts of the slow endpoint were in flight at once.
  const slowStarts = receiver
    .at('/slow')
    .map((r) => r.at)
    .sort((a, b) => a - b);
  const inFlight = Math.max(...slowStarts.map((t) => slowStarts.filter((s) => s >= t && s < t + 450).length));
  expect(inFlight).toBeLessThanOrEqual(2);
  await setEndpointStatus(h.endpointDeps, 'merchant_slow', slow.endpoint.id, 'disabled');
  void fast;
}, 30_000);

describe('server-side request forgery (AWS settings: https only, no local addresses)', () => {
  const aws = (): EndpointDeps => ({
    ...h.endpointDeps,
    settings: { ...h.endpointDeps.settings, allowLoopbackHttp: false },
  });

  beforeAll(() => {
    h.resolver.answers.set('internal.attacker.test', ['127.0.0.1']);
    h.resolver.answers.set('metadata.attacker.test', ['169.254.169.254']);
    h.resolver.answers.set('mixed.attacker.test', ['93.184.216.34', '10.0.0.7']);
    h.resolver.answers.set('mapped.attacker.test', ['::ffff:127.0.0.1']);
    h.resolver.answers.set('shop.example.test', ['93.184.216.34']);
  });

  it.each([
    ['http://shop.example.test/hook', /https/],
    [`${receiver?.url ?? 'http://127.0.0.1:1'}/hook`, /https/],
    ['https://internal.attacker.test/hook', /loopback/],
    ['https://metadata.attacker.test/latest/meta-data', /linkLocal/],
    ['https://169.254.169.254/latest/meta-data', /linkLocal/],
    ['https://mixed.attacker.test/hook', /private/],
    ['https://mapped.attacker.test/hook', /loopback/],
    ['https://[::1]/hook', /loopback/],
    ['https://[fd00:ec2::254]/hook', /uniqueLocal/],
    ['https://user:pw@shop.example.test/hook', /user name/],
    ['https://no-such-host.invalid/hook', /does not resolve/],
    ['not a url', /absolute URL/],
  ])('refuses %s at registration', async (url, why) => {
    const refused = await registerEndpoint(aws(), 'merchant_ssrf', { url }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).errors[0]).toMatchObject({
      field: 'url',
      message: expect.stringMatching(why),
    });
  });

  it('accepts an https URL on a public address', async () => {
    const { endpoint } = await registerEndpoint(aws(), 'merchant_ssrf', {
      url: 'https://shop.example.test/hook',
    });
    expect(endpoint.url).toBe('https://shop.example.test/hook');
    await setEndpointStatus(h.endpointDeps, 'merchant_ssrf', endpoint.id, 'disabled');
  });

  it('refuses again at delivery when the name has since been pointed at a local address', async () => {
    h.resolver.answers.set('rebind.attacker.test', ['93.184.216.34']);
    const { endpoint } = await registerEndpoint(aws(), 'merchant_rebind', {
      url: 'https://rebind.attacker.test/hook',
    });
    h.resolver.answers.set('rebind.attacker.test', ['169.254.169.254']);
    const payment = paymentSnapshot({ merchantId: 'merchant_rebind', id: crypto.randomUUID() });
    const event = buildEvent('PaymentCreated', {
      merchantId: 'merchant_rebind',
      paymentId: payment.id,
      correlationId: 'c-rebind',
      data: { payment },
    });
    const [id] = await h.runtime.deliveries.fanOut(h.db.sql, event, JSON.stringify(event));
    const sent: unknown[] = [];
    const outcome = await attemptDelivery(
      {
        ...h.runtime,
        settings: { ...h.runtime.settings, allowLoopbackHttp: false },
        sender: { send: async (request) => (sent.push(request), { statusCode: 200, ms: 1 }) },
        queue: { maxDelaySeconds: 900, enqueue: async () => undefined },
      },
      id!,
    );
    expect(outcome).toBe('retrying');
    expect(sent).toEqual([]);
    const [delivery] = await listDeliveries(logDeps(), 'merchant_rebind', endpoint.id, { limit: 1 }).then(
      (p) => p.items,
    );
    expect(delivery!.lastError).toMatch(/^refused: .*linkLocal/);
  });
});
