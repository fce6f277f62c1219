/**
 * Housekeeping (functions/housekeeping): each kind of bookkeeping row is deleted once nothing can read it again,
 * and not a moment before.
 */
import { dayOfHour } from '../../../functions/fraud/adapters/day-split';
import { BUCKET_RETENTION_HOURS, hourIndex } from '../../../functions/fraud/features';
import { pruneExpired, RETENTION_DAYS } from '../../../functions/housekeeping/use-cases/prune-expired';
import { startTestDatabase, type TestDatabase } from '../../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(() => db.stop());

const now = new Date('2026-11-24T12:00:00Z');
const daysBefore = (days: number, plusMs = 0) => new Date(now.getTime() - days * 86_400_000 + plusMs);

test('deletes what is past its retention and keeps what is not', async () => {
  const sql = db.sql;
  const inbox = (eventId: string, processedAt: Date) =>
    sql`insert into consumer_inbox (consumer, event_id, event_type, payment_id, correlation_id, occurred_at, processed_at)
        values ('fraud', ${eventId}, 'PaymentCreated', 'p', 'c', ${processedAt}, ${processedAt})`;
  await inbox('old', daysBefore(RETENTION_DAYS.consumerInbox, -1));
  await inbox('recent', daysBefore(RETENTION_DAYS.consumerInbox, 1));

  const facts = (paymentId: string, createdAt: Date, approvedAt: Date | null) =>
    sql`insert into analytics_payments (payment_id, merchant_id, currency, amount, created_at, first_approved_at)
        values (${paymentId}, 'm', 'EUR', 100, ${createdAt}, ${approvedAt})`;
  await facts('old', daysBefore(40), daysBefore(RETENTION_DAYS.analyticsFacts, -1));
  // Created long ago but approved recently: its latest fact still counts.
  await facts('recently-approved', daysBefore(40), daysBefore(RETENTION_DAYS.analyticsFacts, 1));

  const oldestRead = hourIndex(now.getTime()) - BUCKET_RETENTION_HOURS;
  for (const [card, hour] of [
    ['old', oldestRead - 1],
    ['read', oldestRead],
  ] as const) {
    await sql`insert into fraud_card_hours (merchant_id, card_fingerprint, hour, tx_count, amount_milli, fraud_count)
              values ('m', ${card}, ${hour}, 1, 1000, 0)`;
    await sql`insert into fraud_terminal_hours (merchant_id, terminal_id, hour, tx_count, amount_milli, fraud_count)
              values ('m', ${card}, ${hour}, 1, 1000, 0)`;
  }
  // A terminal's day bucket goes once the whole day is older than what any window reads; the day of the oldest
  // hour still read stays (its later hours are read, and only a window starting earlier would read it whole).
  for (const [terminal, day] of [
    ['old', dayOfHour(oldestRead) - 1],
    ['read', dayOfHour(oldestRead)],
  ] as const) {
    await sql`insert into fraud_terminal_days (merchant_id, terminal_id, day, tx_count, fraud_count)
              values ('m', ${terminal}, ${day}, 1, 0)`;
  }

  const nowSeconds = Math.floor(now.getTime() / 1000);
  for (const [id, expiresAt] of [
    ['expired', nowSeconds - 1],
    ['replayable', nowSeconds + 1],
  ] as const) {
    await sql`insert into idempotency_records (id, status, expires_at) values (${id}, 'COMPLETED', ${expiresAt})`;
  }

  const failure = (eventId: string, failedAt: Date) =>
    sql`insert into consumer_failures (consumer, event_id, event_type, payment_id, message_id, error_name, reason,
          attempt, failed_at)
        values ('fraud', ${eventId}, 'PaymentCreated', 'p', 'm', 'Error', 'r', 1, ${failedAt})`;
  await failure('old', daysBefore(RETENTION_DAYS.consumerFailures, -1));
  await failure('in-a-dlq', daysBefore(RETENTION_DAYS.consumerFailures, 1));

  const outcome = await pruneExpired(sql, now);

  expect(outcome).toEqual({
    consumerInbox: 1,
    analyticsFacts: 1,
    featureBuckets: 3,
    idempotencyRecords: 1,
    consumerFailures: 1,
  });
  expect(await sql`select event_id from consumer_inbox`).toEqual([{ event_id: 'recent' }]);
  expect(await sql`select payment_id from analytics_payments`).toEqual([{ payment_id: 'recently-approved' }]);
  expect(await sql`select card_fingerprint from fraud_card_hours`).toEqual([{ card_fingerprint: 'read' }]);
  expect(await sql`select terminal_id from fraud_terminal_hours`).toEqual([{ terminal_id: 'read' }]);
  expect(await sql`select terminal_id from fraud_terminal_days`).toEqual([{ terminal_id: 'read' }]);
  expect(await sql`select id from idempotency_records`).toEqual([{ id: 'replayable' }]);
  expect(await sql`select event_id from consumer_failures`).toEqual([{ event_id: 'in-a-dlq' }]);
  expect(await pruneExpired(sql, now)).toEqual({
    consumerInbox: 0,
    analyticsFacts: 0,
    featureBuckets: 0,
    idempotencyRecords: 0,
    consumerFailures: 0,
  });
});
