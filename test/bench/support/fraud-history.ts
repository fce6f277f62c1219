import type { Sql } from '../../../functions/shared/db/client';

export interface History {
  merchantId: string;
  /** How many past payments: one a minute, the newest a minute ago. */
  payments: number;
  cards: number;
  terminals: number;
}

/**
 * Gives a benchmark database the history a running platform has: past payments of the merchant, each approved and
 * assessed, its PaymentCreated in the fraud consumer's inbox and its two events in the outbox (published), one in a
 * hundred labelled fraud; then VACUUM ANALYZE. Ids are time-ordered as RamPay's (UUIDv7) are, so that each index
 * grows at its right edge as in production.
 *
 * Why: PL/pgSQL caches a plan per statement for its database session. Against a table ANALYZEd while empty, a
 * primary-key lookup is planned as a sequential scan, and that plan stays for as long as the session does (or until
 * autovacuum happens to analyse the table mid-run): every lookup then grows with the table. A benchmark that analyses
 * empty tables and then fills them measures that, not the service.
 */
export async function seedAssessedHistory(sql: Sql, history: History): Promise<void> {
  const { merchantId, payments, cards, terminals } = history;
  await sql.begin(async (tx) => {
    // A UUIDv7-shaped id: 48 bits of milliseconds, then the version and variant nibbles around md5 hex.
    const uuid7 = (salt: string) => `(lpad(to_hex((extract(epoch from at) * 1000)::bigint), 12, '0') || '7'
      || substr(md5('${salt}' || g), 1, 3) || '8' || substr(md5('${salt}' || g), 4, 15))::uuid`;
    await tx.unsafe(`
      create temporary table history on commit drop as
      select g, ${uuid7('p')} as payment_id, ${uuid7('c')} as created_id, ${uuid7('a')} as approved_id,
             'fp_bench_' || lpad((g % ${cards})::text, 4, '0') as card, 'term_bench_' || (g % ${terminals}) as terminal,
             1000 + g * 7919 % 6000 as amount, at
        from generate_series(${payments}, 1, -1) g, lateral (select now() - make_interval(mins => g) as at) t`);
    await tx`
      insert into payments (id, merchant_id, status, amount, currency, customer_id, customer, payment_method,
                            card_fingerprint, terminal_id, version, created_at, updated_at)
      select payment_id, ${merchantId}, 'approved', amount, 'EUR', 'cus_' || g % ${cards},
             jsonb_build_object('id', 'cus_' || g % ${cards}),
             jsonb_build_object('type', 'card', 'fingerprint', card, 'last4', '4242'), card, terminal, 2, at, at
        from history order by g desc`;
    await tx`
      insert into consumer_inbox (consumer, event_id, event_type, payment_id, correlation_id, occurred_at,
                                  processed_at)
      select 'fraud', created_id::text, 'PaymentCreated', payment_id::text, 'history-' || g, at, at
        from history order by g desc`;
    await tx`
      insert into fraud_assessments (payment_id, merchant_id, event_id, model_version, probability, score, action,
                                     applied, thresholds, features, reasons, card_fingerprint, terminal_id, hour,
                                     amount_milli, assessed_at)
      select payment_id, ${merchantId}, created_id::text, 'history', 0.01, 1, 'approve', true,
             '{"review":20,"hold":50,"decline":90}', '{}', '[]', card, terminal,
             floor(extract(epoch from at) / 3600)::integer, amount * 10, at
        from history order by g desc`;
    await tx`
      insert into outbox (id, type, merchant_id, payment_id, correlation_id, occurred_at, envelope)
      select e.id, e.type, ${merchantId}, payment_id, 'history-' || g, at,
             jsonb_build_object('id', e.id, 'type', e.type, 'paymentId', payment_id)
        from history, lateral (values (created_id, 'PaymentCreated'), (approved_id, 'PaymentApproved')) e(id, type)
       order by g desc, e.type desc`;
    await tx`
      insert into fraud_labels (payment_id, merchant_id, fraud, source, labelled_at)
      select payment_id, ${merchantId}, true, 'fraud-report', at from history where g % 100 = 0`;
  });
  // As autovacuum keeps a running database: nothing left for it to do in the middle of the measurement.
  await sql`vacuum analyze`;
}
