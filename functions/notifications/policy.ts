/**
 * Who is told what, for each event the service consumes. The customer hears about their payment on the channels
 * their contact details allow (e-mail when an address is known; SMS when a phone is known and the news is worth
 * a text: approved, declined, held); the merchant's fraud-operations address hears about holds and declines; the
 * merchant hears about its account's own events (an endpoint disabled) at the address it set, if any.
 */
import {
  isPaymentEventType,
  type AnyEventEnvelope,
  type MerchantEventEnvelope,
  type PaymentEventEnvelope,
  type PaymentSnapshot,
} from '../domain/events';
import type { Audience } from './ports';
import type { Channel } from './recipients';
import type { TemplateName } from './templates';

export interface PlannedMessage {
  audience: Audience;
  channel: Channel;
  template: TemplateName;
  /** As the event carries it; validated before any send. */
  recipient: string;
}

export interface PolicyConfig {
  /** Default fraud-operations address, and per-merchant overrides. */
  fraudOpsAddress?: string;
  fraudOpsAddressByMerchant?: Record<string, string>;
}

type CustomerNews = { template: TemplateName; sms: boolean };

function customerNews(event: PaymentEventEnvelope): CustomerNews | undefined {
  switch (event.type) {
    case 'PaymentCreated':
      return { template: 'payment-received', sms: false };
    case 'PaymentApproved':
      return { template: 'payment-approved', sms: true };
    case 'PaymentFailed':
      return { template: 'payment-declined', sms: true };
    case 'AnomalyDetected':
      // review: the payment goes through (the customer hears "approved"); decline: they hear PaymentFailed's news.
      return event.data.action === 'hold' ? { template: 'payment-held', sms: true } : undefined;
    default:
      return undefined;
  }
}

export function paymentOf(event: PaymentEventEnvelope): PaymentSnapshot {
  return event.data.payment;
}

/** An event about the merchant's account: it goes to the merchant's own notification address. */
export function isMerchantNotice(event: AnyEventEnvelope): event is MerchantEventEnvelope {
  return !isPaymentEventType(event.type);
}

/** `merchantEmail`: the merchant's notification address (merchant notices only; none set, no message). */
export function planMessages(
  event: AnyEventEnvelope,
  config: PolicyConfig,
  merchantEmail?: string | null,
): PlannedMessage[] {
  if (isMerchantNotice(event)) {
    return merchantEmail
      ? [
          {
            audience: 'merchant',
            channel: 'email',
            template: 'webhook-endpoint-disabled',
            recipient: merchantEmail,
          },
        ]
      : [];
  }
  const planned: PlannedMessage[] = [];
  const { customer } = paymentOf(event);
  const news = customerNews(event);
  if (news) {
    if (customer.email) {
      planned.push({
        audience: 'customer',
        channel: 'email',
        template: news.template,
        recipient: customer.email,
      });
    }
    if (news.sms && customer.phone) {
      planned.push({
        audience: 'customer',
        channel: 'sms',
        template: news.template,
        recipient: customer.phone,
      });
    }
  }
  if (event.type === 'AnomalyDetected' && (event.data.action === 'hold' || event.data.action === 'decline')) {
    const ops = config.fraudOpsAddressByMerchant?.[event.merchantId] ?? config.fraudOpsAddress;
    if (ops)
      planned.push({ audience: 'fraud_ops', channel: 'email', template: 'fraud-alert', recipient: ops });
  }
  return planned;
}
