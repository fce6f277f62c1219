/**
 * Who is told what, for each event the service consumes. The customer hears about their payment on the channels
 * their contact details allow (e-mail when an address is known; SMS when a phone is known and the news is worth
 * a text: approved, declined, held); the merchant's fraud-operations address hears about holds and declines.
 */
import type { AnyEventEnvelope, PaymentSnapshot } from '../domain/events';
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

function customerNews(event: AnyEventEnvelope): CustomerNews | undefined {
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

export function paymentOf(event: AnyEventEnvelope): PaymentSnapshot {
  return event.data.payment;
}

export function planMessages(event: AnyEventEnvelope, config: PolicyConfig): PlannedMessage[] {
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
