/**
 * An endpoint disabled for failing everything for the retry window tells its merchant: the
 * WebhookEndpointDisabled event commits with the disable (the outbox, so the merchant's feed has it) and is
 * published to the merchants topic, from where the webhooks consumer delivers it, signed, to the merchant's other
 * endpoints that ask for it by name: never to the endpoint it is about, nor to endpoints that take "every
 * event" (null), which means every payment event. Real queue, handler, stores and HTTP sender; a local receiver.
 */
import { Webhook } from 'standardwebhooks';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import { listDeliveries, registerEndpoint, type WebhookDelivery } from '../../../functions/webhooks';
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

async function register(
  merchantId: string,
  url: string,
  events?: ('PaymentCreated' | 'WebhookEndpointDisabled')[],
) {
  const { endpoint, sealedSecret } = await registerEndpoint(h.endpointDeps, merchantId, {
    url,
    ...(events ? { events } : {}),
  });
  return { endpoint, secret: await h.endpointDeps.sealer.open(sealedSecret, endpoint.id) };
}

const deliveriesOf = async (merchantId: string, endpointId: string): Promise<WebhookDelivery[]> =>
  (
    await listDeliveries(
      { endpoints: h.endpointDeps.endpoints, deliveries: h.runtime.deliveries },
      merchantId,
      endpointId,
      { limit: 100 },
    )
  ).items;

it('commits the notice with the disable and delivers it only to the endpoints that name it', async () => {
  const merchant = 'merchant_notice';
  const dead = await register(merchant, receiver.script('/dead', [{ status: 503 }]));
  const watcher = await register(merchant, receiver.script('/watcher', [{ status: 200 }]), [
    'WebhookEndpointDisabled',
  ]);
  const everything = await register(merchant, receiver.script('/everything', [{ status: 200 }]));
  await h.publish(merchant);

  // The 3-day window shrunk by the test's scale is about 5 s.
  const [notice] = await eventually(
    'the notice in the outbox',
    async () => {
      const rows = await h.db.sql<{ payment_id: string | null; envelope: Record<string, unknown> }[]>`
        select payment_id, envelope from outbox
         where merchant_id = ${merchant} and type = 'WebhookEndpointDisabled'`;
      return rows.length > 0 ? rows : undefined;
    },
    30_000,
  );
  const stored = await h.endpointDeps.endpoints.find(merchant, dead.endpoint.id);
  expect(stored).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
  expect(notice!.payment_id).toBeNull();
  expect(notice!.envelope).not.toHaveProperty('paymentId');
  expect(notice!.envelope).toMatchObject({
    type: 'WebhookEndpointDisabled',
    merchantId: merchant,
    data: {
      endpoint: { id: dead.endpoint.id, url: dead.endpoint.url, description: null },
      reason: 'failing',
      failingSince: stored!.failingSince!.toISOString(),
      disabledAt: stored!.disabledAt!.toISOString(),
    },
  });
  expect(h.notices.events.map((e) => e.id)).toEqual([notice!.envelope.id]);

  // Published after the commit: the watcher gets it, signed like every delivery.
  const [delivered] = await eventually('the notice at the watcher', async () => {
    const got = receiver.at('/watcher');
    return got.length > 0 ? got : undefined;
  });
  const body = new Webhook(watcher.secret).verify(delivered!.body, {
    'webhook-id': String(delivered!.headers['webhook-id']),
    'webhook-timestamp': String(delivered!.headers['webhook-timestamp']),
    'webhook-signature': String(delivered!.headers['webhook-signature']),
  });
  expect(body).toEqual(notice!.envelope);

  // Of all the failed attempts, only the one that disabled the endpoint wrote a notice.
  const [count] = await h.db.sql<{ notices: number }[]>`
    select count(*)::int as notices from outbox where merchant_id = ${merchant} and type = 'WebhookEndpointDisabled'`;
  expect(count).toEqual({ notices: 1 });
  expect(receiver.at('/dead').length).toBeGreaterThan(1);

  // One fan-out wrote every delivery of the notice: none went to the endpoint it is about, nor to "every event".
  const deliveriesOfNotice = await h.db.sql<{ endpoint_id: string }[]>`
    select endpoint_id from webhook_deliveries where event_id = ${notice!.envelope.id as string}`;
  expect(deliveriesOfNotice.map((d) => d.endpoint_id)).toEqual([watcher.endpoint.id]);
  expect((await deliveriesOf(merchant, everything.endpoint.id)).map((d) => d.eventType)).toEqual([
    'PaymentCreated',
  ]);
  expect(receiver.at('/dead').every((r) => JSON.parse(r.body).type === 'PaymentCreated')).toBe(true);
}, 60_000);

it('never delivers a notice to the endpoint it is about, even one that asks for notices', async () => {
  const merchant = 'merchant_self';
  const self = await register(merchant, receiver.script('/self', [{ status: 200 }]), [
    'WebhookEndpointDisabled',
  ]);
  const other = await register(merchant, receiver.script('/other', [{ status: 200 }]), [
    'WebhookEndpointDisabled',
  ]);
  const notice = buildEvent('WebhookEndpointDisabled', {
    merchantId: merchant,
    correlationId: 'corr-self',
    data: {
      endpoint: { id: self.endpoint.id, url: self.endpoint.url, description: null },
      reason: 'failing',
      failingSince: new Date().toISOString(),
      disabledAt: new Date().toISOString(),
    },
  });
  const written = await h.runtime.deliveries.fanOut(
    h.db.sql,
    { id: notice.id, type: notice.type, merchantId: merchant, exceptEndpoint: self.endpoint.id },
    JSON.stringify(notice),
  );
  expect(written).toHaveLength(1);
  expect(await deliveriesOf(merchant, self.endpoint.id)).toEqual([]);
  expect((await deliveriesOf(merchant, other.endpoint.id)).map((d) => d.eventId)).toEqual([notice.id]);
});
