import { randomUUID } from 'node:crypto';
import { newId } from '../../domain/ids';
import { asyncCommit, type Queryable } from '../../shared/db/client';
import type { ClaimResult, DeliveryLedger, DeliveryRecord, Outcome } from '../ports';

type Claimed = Extract<ClaimResult, { kind: 'claimed' }>;

/**
 * The delivery ledger on PostgreSQL: notification_deliveries holds one row per (event, channel, recipient) with
 * its claim and lease; notification_audit gets one row per attempt and per suppression and is never updated.
 * Each method is ONE statement (a data-modifying CTE), so on a pool each is its own committed transaction.
 *
 * `asynchronous` (for a pool, never inside someone's transaction): the statements commit without waiting for
 * the WAL flush. They are visible to every other session at once, so concurrent attempts are excluded exactly as
 * with a synchronous commit; they become durable with the next synchronous commit on the server, at the latest
 * the consumer's own batch commit of its inbox rows, which comes later in the WAL. Only a database crash inside
 * that window loses them, and then it loses the inbox rows too: the event comes back and its messages may go
 * again, the same edge as a process dying between a send and its record. It saves a WAL flush (milliseconds on
 * RDS) twice per message.
 */
export class PostgresDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly db: Queryable,
    private readonly asynchronous = false,
  ) {}

  /** A FROM item: turns off the flush wait of this statement's transaction when asynchronous. */
  private commitMode() {
    return this.asynchronous ? asyncCommit(this.db) : this.db`(select 1) as sync_commit`;
  }

  /**
   * Inserts the delivery as claimed, or takes it over when its last attempt failed retryably or its lease
   * expired (a crashed attempt; the audit log then gets a row saying that attempt's outcome is unknown).
   * Otherwise reports the row's final state, or busy when a live lease is held (or a concurrent claim committed
   * after this statement's snapshot, so the row is not visible to it). With `customerId`, the customer's
   * opt-outs are read in the same statement: opted out of the channel, nothing is claimed.
   */
  async claim(record: DeliveryRecord, leaseSeconds: number, customerId?: string): Promise<ClaimResult> {
    const token = randomUUID();
    const rows = await this.db<{ outcome: string; attempts: number; claimed_at: Date }[]>`
      with opted_out as (
        select 1 from notification_preferences p
        where ${customerId !== undefined} and p.merchant_id = ${record.merchantId}
          and p.customer_id = ${customerId ?? ''}
          and not (case when ${record.channel} = 'email' then p.email else p.sms end)
      ),
      claimed as (
        insert into notification_deliveries as d
          (event_id, channel, recipient_hash, event_type, merchant_id, payment_id, audience, template,
           recipient_masked, state, attempts, lease_until, claim_token)
        select ${record.eventId}, ${record.channel}, ${record.recipientHash}, ${record.eventType},
                ${record.merchantId}, ${record.paymentId}, ${record.audience}, ${record.template},
                ${record.recipientMasked}, 'claimed', 1, now() + ${leaseSeconds} * interval '1 second', ${token}
        from ${this.commitMode()}
        where not exists (select 1 from opted_out)
        on conflict (event_id, channel, recipient_hash) do update
          set state = 'claimed', previous_state = d.state, attempts = d.attempts + 1,
              lease_until = excluded.lease_until, claim_token = excluded.claim_token, reason = null,
              updated_at = now()
          where d.state = 'retry' or (d.state = 'claimed' and d.lease_until < now())
        returning d.attempts, d.previous_state, d.updated_at
      ),
      abandoned as (
        insert into notification_audit
          (id, event_id, event_type, merchant_id, payment_id, channel, audience, template, recipient_masked,
           recipient_hash, status, reason, retryable, attempt, attempted_at)
        select ${newId()}, ${record.eventId}, ${record.eventType}, ${record.merchantId}, ${record.paymentId},
               ${record.channel}, ${record.audience}, ${record.template}, ${record.recipientMasked},
               ${record.recipientHash}, 'failed',
               'outcome unknown: the attempt did not report before its lease expired (it may have been sent)',
               true, c.attempts - 1, now()
        from claimed c where c.previous_state = 'claimed'
      )
      select 'mine' as outcome, attempts, now() as claimed_at from claimed
      union all
      select 'opted_out', 0, now() from opted_out
      union all
      select d.state, d.attempts, now() from notification_deliveries d
      where d.event_id = ${record.eventId} and d.channel = ${record.channel}
        and d.recipient_hash = ${record.recipientHash}
        and not exists (select 1 from claimed) and not exists (select 1 from opted_out)`;
    const row = rows[0];
    if (!row) return { kind: 'busy' };
    if (row.outcome === 'mine') {
      return { kind: 'claimed', token, attempt: row.attempts, claimedAt: row.claimed_at };
    }
    if (row.outcome === 'opted_out') return { kind: 'opted-out' };
    if (row.outcome === 'sent' || row.outcome === 'failed' || row.outcome === 'suppressed') {
      return { kind: 'done', state: row.outcome };
    }
    // 'claimed' by someone else with a live lease ('retry' is always taken over above).
    return { kind: 'busy' };
  }

  async complete(record: DeliveryRecord, claim: Claimed, outcome: Outcome): Promise<boolean> {
    const state = outcome.status === 'sent' ? 'sent' : outcome.retryable ? 'retry' : 'failed';
    const providerMessageId = outcome.status === 'sent' ? outcome.providerMessageId : null;
    const reason = outcome.status === 'failed' ? outcome.reason : null;
    const retryable = outcome.status === 'failed' && outcome.retryable;
    const [row] = await this.db<{ owned: number }[]>`
      with done as (
        update notification_deliveries
        set state = ${state}, provider_message_id = ${providerMessageId}, reason = ${reason},
            lease_until = null, updated_at = now()
        where event_id = ${record.eventId} and channel = ${record.channel}
          and recipient_hash = ${record.recipientHash} and claim_token = ${claim.token}
        returning 1
      )
      insert into notification_audit
        (id, event_id, event_type, merchant_id, payment_id, channel, audience, template, recipient_masked,
         recipient_hash, status, reason, retryable, provider, provider_message_id, attempt, attempted_at)
      select ${newId()}, ${record.eventId}, ${record.eventType}, ${record.merchantId}, ${record.paymentId},
             ${record.channel}, ${record.audience}, ${record.template}, ${record.recipientMasked},
             ${record.recipientHash}, ${outcome.status}, ${reason}, ${retryable}, ${outcome.provider},
             ${providerMessageId}, ${claim.attempt}, ${claim.claimedAt}
      from ${this.commitMode()}
      returning (select count(*) from done)::int as owned`;
    return (row?.owned ?? 0) === 1;
  }

  async suppress(record: DeliveryRecord, reason: string): Promise<boolean> {
    const rows = await this.db`
      with suppressed as (
        insert into notification_deliveries
          (event_id, channel, recipient_hash, event_type, merchant_id, payment_id, audience, template,
           recipient_masked, state, attempts, reason)
        select ${record.eventId}, ${record.channel}, ${record.recipientHash}, ${record.eventType},
               ${record.merchantId}, ${record.paymentId}, ${record.audience}, ${record.template},
               ${record.recipientMasked}, 'suppressed', 0, ${reason}
        from ${this.commitMode()}
        on conflict (event_id, channel, recipient_hash) do nothing
        returning 1
      )
      insert into notification_audit
        (id, event_id, event_type, merchant_id, payment_id, channel, audience, template, recipient_masked,
         recipient_hash, status, reason, retryable, attempt, attempted_at)
      select ${newId()}, ${record.eventId}, ${record.eventType}, ${record.merchantId}, ${record.paymentId},
             ${record.channel}, ${record.audience}, ${record.template}, ${record.recipientMasked},
             ${record.recipientHash}, 'suppressed', ${reason}, false, 0, now()
      from suppressed
      returning 1`;
    return rows.length === 1;
  }
}
