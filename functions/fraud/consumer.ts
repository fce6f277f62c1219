import { defineConsumer } from '../shared/consumer/consumer';
import type { Queryable } from '../shared/db/client';
import type { FraudUnitOfWork } from './ports';
import { assessPayment, type ScoringSetup } from './use-cases/assess-payment';
import { postgresUnitOfWork } from './adapters/unit-of-work';

/**
 * The fraud consumer: every PaymentCreated is scored and decided by one read and one write (use-cases/
 * assess-payment.ts). The write commits the inbox row, the assessment, the feature-store buckets, the payment's
 * transition and the emitted events together (`claimsInbox`, `ctx.wrote`), so a single event runs without a
 * transaction of its own (`writesInOneStatement`) and a batch in the runtime's.
 */
export function fraudConsumer(
  setup: () => Promise<ScoringSetup>,
  unitOfWork: (tx: Queryable) => FraudUnitOfWork = postgresUnitOfWork,
) {
  return defineConsumer({
    name: 'fraud',
    claimsInbox: true,
    writesInOneStatement: true,
    async handle(event, ctx) {
      await assessPayment(await setup(), unitOfWork(ctx.tx), event, ctx);
    },
  });
}
