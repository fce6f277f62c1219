import type { AnyEventEnvelope, MerchantEventEnvelope } from '../domain/events';
import { formatAmount, formatDate, localeFor } from './format';
import { isMerchantNotice, paymentOf } from './policy';
import type { Audience } from './ports';
import { maskEmail, maskPhone } from './recipients';
import type { TemplateValues } from './templates';

/**
 * What the customer is told about a decline. The event's reason is for operators (it can carry a risk score), so
 * only its kind is translated and anything unknown gets the neutral sentence.
 */
const DECLINE_REASONS: [RegExp, string][] = [
  [/fraud model|fraud/i, 'the payment looked risky to our fraud checks'],
  [/review/i, 'the payment did not pass our security review'],
];

export function declineReason(reason: string): string {
  return DECLINE_REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? 'the payment was declined';
}

/** What the fraud-operations team can do about an alert: only review and hold put the payment in the queue. */
const NEXT_STEP: Record<Extract<AnyEventEnvelope, { type: 'AnomalyDetected' }>['data']['action'], string> = {
  review:
    'The payment went through and waits in the review queue (GET /reviews): confirm it, or mark it fraud.',
  hold: 'The payment is on hold in the review queue (GET /reviews) until someone approves or rejects it.',
  decline:
    'The payment was declined automatically; it is not in the review queue and the customer was not charged.',
};

/**
 * The values a template may show, as text. Amounts are formatted here (never a raw minor-unit number); the
 * fraud-operations team sees the customer's contact details masked, as everything else outside the message to
 * the customer does.
 */
export function templateValues(event: AnyEventEnvelope, audience: Audience): TemplateValues {
  if (isMerchantNotice(event)) return merchantNoticeValues(event);
  const payment = paymentOf(event);
  const locale = audience === 'customer' ? localeFor(payment.customer.country) : 'en';
  const values: TemplateValues = {
    amount: formatAmount(payment.amount, payment.currency, locale),
    merchant: event.merchantId,
    paymentId: payment.id,
    cardBrand: payment.paymentMethod.brand ?? 'payment',
    cardLast4: payment.paymentMethod.last4,
    description: payment.description ?? '',
    date: formatDate(payment.createdAt, locale),
    reason: '-',
  };
  if (event.type === 'PaymentFailed') {
    values.reason = declineReason(event.data.reason);
  }
  if (event.type === 'AnomalyDetected') {
    values.action = event.data.action;
    values.score = String(event.data.score);
    values.reasons = event.data.reasons.join(', ') || '-';
    values.modelVersion = event.data.modelVersion;
    values.nextStep = NEXT_STEP[event.data.action];
    values.customerId = payment.customer.id;
    values.customerEmail = payment.customer.email ? maskEmail(payment.customer.email) : 'no e-mail';
    values.customerPhone = payment.customer.phone ? maskPhone(payment.customer.phone) : 'no phone';
  }
  return values;
}

/** A merchant's notice about its account: the endpoint, since when it failed, and when it was disabled. */
function merchantNoticeValues(event: MerchantEventEnvelope): TemplateValues {
  const { endpoint, failingSince, disabledAt } = event.data;
  return {
    merchant: event.merchantId,
    endpointId: endpoint.id,
    endpointUrl: endpoint.url,
    endpointDescription: endpoint.description ?? '',
    failingSince: formatDate(failingSince),
    disabledAt: formatDate(disabledAt),
  };
}
