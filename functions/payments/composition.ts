/**
 * The payments service's composition: what its handlers (and other services, through ./index.ts) need, each
 * built once per container. Readers and writers are built apart, so that a reading function's bundle carries no
 * publisher, outbox or event schemas: each factory is marked pure and no module here acts on import
 * (functions/package.json), so esbuild leaves out a factory its handler does not call, and what only it imports.
 */
import type { Queryable } from '../shared/db/client';
import { sharedSql } from '../shared/db/connection';
import { memo } from '../shared/memo';
import { OutboxPublisher } from '../shared/outbox/committed-publisher';
import { sharedPublisher } from '../shared/outbox/publisher';
import { PostgresPaymentReads } from './adapters/postgres-payment-reads';
import { PostgresPaymentStore } from './adapters/postgres-payment-store';
import type { PaymentTransitions } from './ports';
import type { PaymentReads, PaymentsDeps } from './use-cases/deps';

/** What the writing use cases need: the store, the publisher of committed events, the clock. */
export const paymentsDeps = /* @__PURE__ */ memo(async (): Promise<PaymentsDeps> => {
  const sql = await sharedSql();
  return {
    store: new PostgresPaymentStore(sql),
    events: new OutboxPublisher(sql, sharedPublisher),
    now: () => new Date(),
  };
});

/** What the reading handlers need (and notifications, to check that a payment is the caller's). */
export const paymentReads = /* @__PURE__ */ memo(async (): Promise<PaymentReads> => ({
  store: new PostgresPaymentReads(await sharedSql()),
}));

/** Payments' side of another service's transaction `tx` (fraud's review decisions and fraud reports). */
export function paymentTransitions(tx: Queryable): PaymentTransitions {
  return PostgresPaymentStore.session(tx);
}
