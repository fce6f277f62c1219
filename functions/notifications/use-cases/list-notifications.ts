import type { Payment } from '../../domain/payment';
import { NotFoundError } from '../../domain/errors';
import type { NotificationAuditEntry, NotificationLog } from '../ports';
import type { NotificationResource } from '../response-schemas';
import type { ListNotificationsQuery } from '../schemas';

export interface ListNotificationsDeps {
  log: NotificationLog;
  /** The payments service's read: whether this merchant has this payment. */
  payments: { findPayment(merchantId: string, paymentId: string): Promise<Payment | undefined> };
}

export function notificationResource(entry: NotificationAuditEntry): NotificationResource {
  return {
    id: entry.id,
    object: 'notification',
    paymentId: entry.paymentId,
    eventId: entry.eventId,
    eventType: entry.eventType,
    channel: entry.channel,
    audience: entry.audience,
    template: entry.template,
    recipient: entry.recipientMasked,
    recipientHash: entry.recipientHash,
    status: entry.status,
    ...(entry.reason === null ? {} : { reason: entry.reason }),
    retryable: entry.retryable,
    ...(entry.provider === null ? {} : { provider: entry.provider }),
    ...(entry.providerMessageId === null ? {} : { providerMessageId: entry.providerMessageId }),
    attempt: entry.attempt,
    attemptedAt: entry.attemptedAt,
    recordedAt: entry.recordedAt,
  };
}

/** The audit log of one payment, oldest first. Another merchant's payment does not exist for this caller. */
export async function listNotifications(
  deps: ListNotificationsDeps,
  merchantId: string,
  paymentId: string,
  query: ListNotificationsQuery,
): Promise<{ items: NotificationResource[]; hasMore: boolean }> {
  if (!(await deps.payments.findPayment(merchantId, paymentId))) {
    throw new NotFoundError(`no payment ${paymentId}`);
  }
  const page = await deps.log.list(merchantId, paymentId, {
    limit: query.limit,
    ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
  });
  return { items: page.items.map(notificationResource), hasMore: page.hasMore };
}
