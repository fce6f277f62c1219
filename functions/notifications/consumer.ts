import { defineConsumer } from '../shared/consumer/consumer';
import { PostgresDeliveryLedger } from './adapters/postgres-delivery-ledger';
import { PostgresMerchantSettings } from './adapters/postgres-merchant-settings';
import { notify } from './use-cases/notify';
import type { NotificationsRuntime } from './composition';

let warned = false;

/**
 * The notifications consumer. The delivery ledger runs on the pool, outside the runtime's transaction, so that a
 * claim is committed before its message is sent (see use-cases/notify.ts), unless the pool has one connection.
 */
export const notificationsConsumer = defineConsumer<'notifications', NotificationsRuntime>({
  name: 'notifications',
  handles: [
    'PaymentCreated',
    'PaymentApproved',
    'PaymentFailed',
    'AnomalyDetected',
    'WebhookEndpointDisabled',
  ],
  async handle(event, ctx) {
    const rt = ctx.deps;
    if (!rt.independentLedger && !warned) {
      warned = true;
      ctx.logger.info(
        'one-connection pool: the delivery ledger shares the consumer transaction (at-least-once on failures)',
      );
    }
    // On the pool: each statement its own transaction, committed asynchronously (see PostgresDeliveryLedger).
    const ledger = rt.independentLedger
      ? new PostgresDeliveryLedger(rt.sql, true)
      : new PostgresDeliveryLedger(ctx.tx);
    const summary = await notify(event, {
      notifier: rt.notifier,
      ledger,
      merchantSettings: new PostgresMerchantSettings(ctx.tx),
      templates: rt.templates,
      config: rt.config,
      logger: ctx.logger,
    });
    ctx.logger.debug('notifications done', { ...summary });
  },
});
