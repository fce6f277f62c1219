/**
 * The webhooks consumer: each event of a merchant becomes one pending delivery per enabled endpoint of that
 * merchant that takes its type (once per endpoint, whatever the redeliveries), in the record's transaction;
 * once the batch has committed, each delivery gets a queue message that makes its first attempt. A
 * WebhookEndpointDisabled never goes to the endpoint it is about (nor to a disabled one): no notice can loop.
 */
import { EVENT_TYPES } from '../domain/events';
import { defineConsumer } from '../shared/consumer';
import type { DeliveryQueue, DeliveryStore } from './ports';

export interface FanOutDeps {
  deliveries: DeliveryStore;
  queue: DeliveryQueue;
}

/** Deliveries written by each SQS message of the batches in hand, until their batch has committed. */
const written = new Map<string, string[]>();

export const webhooksConsumer = defineConsumer<'webhooks', FanOutDeps>({
  name: 'webhooks',
  handles: EVENT_TYPES,
  async handle(event, ctx) {
    const ids = await ctx.deps.deliveries.fanOut(
      ctx.tx,
      {
        id: event.id,
        type: event.type,
        merchantId: event.merchantId,
        ...(event.type === 'WebhookEndpointDisabled' ? { exceptEndpoint: event.data.endpoint.id } : {}),
      },
      JSON.stringify(event),
    );
    if (ids.length > 0) written.set(ctx.messageId, ids);
    else written.delete(ctx.messageId);
    return [];
  },
  async afterBatch(batch, ctx) {
    const ids: string[] = [];
    for (const messageId of batch.messageIds) {
      if (!batch.failed.has(messageId)) ids.push(...(written.get(messageId) ?? []));
      written.delete(messageId);
    }
    if (ids.length === 0) return;
    try {
      await ctx.deps.queue.enqueue(ids, 0);
    } catch (error) {
      // The deliveries are committed: the sweep wakes them once they are overdue.
      ctx.logger.warn('could not queue the first attempts; the sweep will', {
        deliveries: ids.length,
        error: String(error),
      });
    }
  },
});
