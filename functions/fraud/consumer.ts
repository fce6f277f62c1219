import { defineConsumer } from '../shared/consumer/consumer';
import type { Queryable } from '../shared/db/client';
import type { ScoringStore } from './ports';
import { assessPayment, type ScoringSetup } from './use-cases/assess-payment';

/** What the fraud consumer runs on (consumer-composition.ts). */
export interface FraudConsumerDependencies {
  setup: ScoringSetup;
  /** The scoring store on the record's transaction, or, for a record alone, the pool. */
  store(tx: Queryable): ScoringStore;
}

/**
 * The fraud consumer: every PaymentCreated is scored and decided by one read and one write (use-cases/
 * assess-payment.ts). The write claims the event in the inbox and commits the assessment, the feature-store
 * buckets, the payment's transition and the emitted events together, so a single event runs without a
 * transaction of its own (`writes: 'one-statement'`) and a batch in the runtime's.
 */
export const fraudConsumer = defineConsumer<'fraud', FraudConsumerDependencies>({
  name: 'fraud',
  handles: ['PaymentCreated'],
  writes: 'one-statement',
  async handle(event, ctx) {
    const claim = ctx.inbox!;
    const outcome = await assessPayment(ctx.deps.setup, ctx.deps.store(ctx.tx), event, {
      claim,
      logger: ctx.logger,
      newEvent: ctx.event,
    });
    claim.settle(outcome !== 'duplicate');
    return outcome === 'duplicate' ? [] : outcome.events;
  },
});
