/**
 * Turns one consumed event into its messages: exactly one per (event, channel, recipient), retried until it is
 * sent or fails for good.
 *
 * The protocol. The consumer runtime's inbox row commits with the batch, after the sends, so it cannot stop a
 * second send by itself: a crash (or a failed batch commit) after a send would bring the event back. So each
 * message is claimed in the delivery ledger in its OWN committed statement (on the pool, not in ctx.tx) before
 * anything is sent:
 *   1. claim: insert (event, channel, recipient hash) as `claimed` with a lease (default 60 s: longer than the
 *      function's timeout, shorter than the queue's visibility timeout). A row that is `sent`, `failed` or
 *      `suppressed` means done: skip it. A live lease held by another attempt means busy: leave it to that attempt
 *      and fail the record so SQS brings it back later. A `retry` row, or a `claimed` row whose lease expired
 *      (its attempt crashed between claim and send, or between send and record), is taken over, and the audit
 *      log records that the abandoned attempt's outcome is unknown. The same statement reads the customer's
 *      opt-out of the channel.
 *   2. send through the Notifier.
 *   3. complete, in one statement: the ledger row becomes `sent` (with the provider's message id), `failed`
 *      (a permanent error: never retried) or `retry` (throttling, an outage), and the attempt is appended to the
 *      audit log. After all messages of the event, a retry or busy one makes the record throw: SQS redelivers it,
 *      and only the messages not yet done are tried again.
 * A message can only go out twice if the process (or the database) dies after the provider accepted it and
 * before step 3 is durable (SES and SNS SMS take no idempotency key); the lease then expires, the retry sends
 * again, and the audit log shows the unknown outcome. Invalid addresses, the SES sandbox and opt-outs are
 * recorded as `suppressed`.
 *
 * The ledger must run on its own connection for this; with a one-connection pool (the embedded PGlite of the
 * local platform) it can only run in the consumer's transaction, where a failed record rolls its claims back with
 * it: at-least-once there, which is fine for a local mail sink.
 */
import type { RecordLogger } from '../../shared/consumer/record-logger';
import type { AnyEventEnvelope } from '../../domain/events';
import { templateValues } from '../content';
import { isMerchantNotice, planMessages, type PlannedMessage, type PolicyConfig } from '../policy';
import {
  NotifierError,
  type ClaimResult,
  type SendReceipt,
  type DeliveryLedger,
  type DeliveryRecord,
  type MerchantSettingsStore,
  type Notifier,
  type OutboundMessage,
} from '../ports';
import {
  isValidRecipient,
  maskContactsIn,
  maskRecipient,
  normalizeRecipient,
  recipientHash,
} from '../recipients';
import type { TemplateSet } from '../templates';

export interface NotifyConfig extends PolicyConfig {
  leaseSeconds: number;
  /** Key of the recipient HMAC. */
  hashKey: string | Buffer;
  /** SES sandbox: only these addresses (or @domains) may receive e-mail; others are suppressed. */
  sandboxRecipients?: readonly string[];
}

export interface NotifyDeps {
  notifier: Notifier;
  ledger: DeliveryLedger;
  /** The merchant's notification address, for the events about its account. */
  merchantSettings: Pick<MerchantSettingsStore, 'get'>;
  templates: TemplateSet;
  config: NotifyConfig;
  logger: RecordLogger;
}

/** Thrown when some message of the event must be tried again: the SQS record fails and is redelivered. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export interface NotifySummary {
  sent: number;
  failed: number;
  suppressed: number;
  skipped: number;
  retry: number;
}

function inSandbox(recipient: string, allowed: readonly string[]): boolean {
  const domain = recipient.slice(recipient.lastIndexOf('@'));
  return allowed.some((a) => {
    const entry = a.trim().toLowerCase();
    return entry === recipient || (entry.startsWith('@') && entry === domain);
  });
}

function render(
  deps: NotifyDeps,
  event: AnyEventEnvelope,
  plan: PlannedMessage,
  to: string,
): OutboundMessage {
  const template = deps.templates.get(plan.template);
  const values = templateValues(event, plan.audience);
  const base = { eventId: event.id, template: plan.template, to };
  return plan.channel === 'email'
    ? { ...base, channel: 'email', ...template.renderEmail(values) }
    : { ...base, channel: 'sms', text: template.renderSms(values) };
}

const RECORD_ATTEMPTS = 3;

/**
 * Records a send that happened. A database hiccup here must not be taken for a failed send: it is tried again a
 * few times; if it still fails the record fails, and the message may go once more after the lease expires.
 */
async function recordSent(
  deps: NotifyDeps,
  record: DeliveryRecord,
  claim: Extract<ClaimResult, { kind: 'claimed' }>,
  receipt: SendReceipt,
  log: Record<string, unknown>,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.ledger.complete(record, claim, { status: 'sent', ...receipt });
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS) {
        deps.logger.error('sent, but the send could not be recorded; it may be sent again after the lease', {
          ...log,
          ...receipt,
          error,
        });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

export async function notify(event: AnyEventEnvelope, deps: NotifyDeps): Promise<NotifySummary> {
  const summary: NotifySummary = { sent: 0, failed: 0, suppressed: 0, skipped: 0, retry: 0 };
  const merchantNotice = isMerchantNotice(event);
  const merchantEmail = merchantNotice
    ? (await deps.merchantSettings.get(event.merchantId)).notificationEmail
    : undefined;
  const plans = planMessages(event, deps.config, merchantEmail);
  if (plans.length === 0) {
    if (merchantNotice)
      deps.logger.info('the merchant has no notification address: its notice is only in its event feed');
    return summary;
  }
  const customerId = merchantNotice ? undefined : event.data.payment.customer.id;
  const seen = new Set<string>();

  for (const plan of plans) {
    const to = normalizeRecipient(plan.channel, plan.recipient);
    const record: DeliveryRecord = {
      eventId: event.id,
      channel: plan.channel,
      recipientHash: recipientHash(deps.config.hashKey, plan.channel, to),
      eventType: event.type,
      merchantId: event.merchantId,
      paymentId: event.paymentId ?? null,
      audience: plan.audience,
      template: plan.template,
      recipientMasked: maskRecipient(plan.channel, to),
    };
    const key = `${record.channel}:${record.recipientHash}`;
    if (seen.has(key)) continue; // e.g. the customer is also the fraud-ops address: one message per recipient
    seen.add(key);
    const log = { channel: plan.channel, template: plan.template, recipient: record.recipientMasked };

    const suppression = !isValidRecipient(plan.channel, to)
      ? plan.channel === 'email'
        ? 'invalid e-mail address'
        : 'invalid phone number (not E.164)'
      : plan.channel === 'email' &&
          deps.config.sandboxRecipients &&
          !inSandbox(to, deps.config.sandboxRecipients)
        ? 'SES sandbox: recipient not verified'
        : undefined;
    if (suppression) {
      if (await deps.ledger.suppress(record, suppression)) {
        summary.suppressed++;
        deps.logger.info('notification suppressed', { ...log, reason: suppression });
      } else summary.skipped++;
      continue;
    }

    // Rendering first: a broken template must fail before anything is claimed.
    const message = render(deps, event, plan, to);
    const claim = await deps.ledger.claim(
      record,
      deps.config.leaseSeconds,
      plan.audience === 'customer' ? customerId : undefined,
    );
    if (claim.kind === 'opted-out') {
      const reason = `customer opted out of ${plan.channel}`;
      if (await deps.ledger.suppress(record, reason)) {
        summary.suppressed++;
        deps.logger.info('notification suppressed', { ...log, reason });
      } else summary.skipped++;
      continue;
    }
    if (claim.kind === 'done') {
      summary.skipped++;
      deps.logger.info('notification already handled', { ...log, state: claim.state });
      continue;
    }
    if (claim.kind === 'busy') {
      summary.retry++;
      deps.logger.warn('another attempt holds this notification; trying again later', log);
      continue;
    }

    let receipt: SendReceipt;
    try {
      receipt = await deps.notifier.send(message);
    } catch (error) {
      const failure =
        error instanceof NotifierError
          ? error
          : new NotifierError(maskContactsIn((error as Error)?.message ?? String(error)), true, 'Error');
      await deps.ledger.complete(record, claim, {
        status: 'failed',
        provider: failure.provider ?? 'none',
        reason: failure.message,
        retryable: failure.retryable,
      });
      const details = { ...log, code: failure.code, reason: failure.message, attempt: claim.attempt };
      if (failure.retryable) {
        summary.retry++;
        deps.logger.warn('notification failed; it will be retried', details);
      } else {
        summary.failed++;
        deps.logger.error('notification failed for good', details);
      }
      continue;
    }
    const owned = await recordSent(deps, record, claim, receipt, log);
    summary.sent++;
    deps.logger.info('notification sent', { ...log, ...receipt, attempt: claim.attempt });
    if (!owned) deps.logger.warn('the claim expired before the send was recorded', { ...log, ...receipt });
  }
  if (summary.retry > 0) {
    throw new RetryLaterError(`${summary.retry} notification(s) of event ${event.id} must be retried`);
  }
  return summary;
}
