/**
 * The fraud decision as a pure function: no database, no model; the events are built by a factory that stands
 * for the consumer runtime's (the incoming correlation id).
 */
import type { AnyEventEnvelope } from '../../../functions/domain/events';
import type { Payment } from '../../../functions/domain/payment';
import { FEATURE_COUNT } from '../../../functions/fraud/features';
import { decide, REASONS_KEPT, type ScoringFacts } from '../../../functions/fraud/scoring-decision';
import type { EventFactory } from '../../../functions/shared/consumer/consumer';
import { buildEvent, type EventFields as BuiltEventFields } from '../../../functions/shared/outbox/outbox';

const NOW = '2026-06-30T12:00:00.000Z';
const THRESHOLDS = { review: 60, hold: 80, decline: 95 };

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: '01a20eeb-4d1d-7463-bee8-0000000000d1',
    merchantId: 'merchant_d',
    status: 'pending',
    amount: 1250,
    currency: 'EUR' as Payment['currency'],
    amountRefunded: 0,
    customer: { id: 'cus_1', email: 'ada@example.com' },
    paymentMethod: { type: 'card', fingerprint: 'fp_d', last4: '4242' },
    terminalId: 'term_d',
    metadata: {},
    version: 1,
    createdAt: '2026-06-30T11:59:00.000Z',
    updatedAt: '2026-06-30T11:59:00.000Z',
    ...overrides,
  };
}

function facts(score: number, overrides: Partial<ScoringFacts> = {}): ScoringFacts {
  return {
    eventId: '01a20eeb-4d1d-7463-bee8-0000000000e1',
    payment: payment(),
    features: new Float64Array(FEATURE_COUNT).fill(1),
    hour: 493_452,
    amountMilli: 12_500,
    fx: { currency: 'EUR', reference: 'EUR', unitsPerReference: 1, ratesVersion: '2025-11-28.1' },
    model: { modelVersion: 'm-1', probability: score / 100, score },
    thresholds: THRESHOLDS,
    now: NOW,
    ...overrides,
  };
}

const newEvent: EventFactory = (type, fields) =>
  buildEvent(type, {
    merchantId: fields.merchantId ?? 'merchant_d',
    paymentId: fields.paymentId ?? '01a20eeb-4d1d-7463-bee8-0000000000d1',
    correlationId: 'corr-decision',
    data: fields.data,
  } as unknown as BuiltEventFields<typeof type>);

const types = (events: readonly AnyEventEnvelope[]) => events.map((e) => e.type);

describe('decide', () => {
  it.each([
    [59, 'approve', 'approved', ['PaymentApproved'], undefined],
    [60, 'review', 'in_review', ['PaymentApproved', 'AnomalyDetected'], 'review'],
    [80, 'hold', 'held', ['AnomalyDetected'], 'hold'],
    [95, 'decline', 'failed', ['PaymentFailed', 'AnomalyDetected'], undefined],
  ])('score %i: %s, the payment moves to %s, events %j', (score, action, status, events, review) => {
    const decision = decide(facts(score), newEvent);
    expect(decision.assessment).toMatchObject({
      paymentId: payment().id,
      merchantId: 'merchant_d',
      eventId: '01a20eeb-4d1d-7463-bee8-0000000000e1',
      modelVersion: 'm-1',
      score,
      action,
      applied: true,
      thresholds: THRESHOLDS,
      cardFingerprint: 'fp_d',
      terminalId: 'term_d',
      hour: 493_452,
      amountMilli: 12_500,
      assessedAt: NOW,
    });
    expect(decision.decided).toEqual({ ...payment(), status, version: 2, updatedAt: NOW });
    expect(decision.openReview).toBe(review);
    expect(types(decision.events)).toEqual(events);
    for (const e of decision.events) {
      expect(e).toMatchObject({ correlationId: 'corr-decision', paymentId: payment().id });
      expect(e.data).toMatchObject({ payment: { status, version: 2 } });
    }
  });

  it('carries the score, reasons and action in the anomaly, and the score in a decline reason', () => {
    const { events, assessment } = decide(facts(97), newEvent);
    expect(assessment.reasons.length).toBeLessThanOrEqual(REASONS_KEPT);
    const [failed, anomaly] = events;
    expect(failed).toMatchObject({
      type: 'PaymentFailed',
      data: { reason: 'declined by the fraud model: risk score 97' },
    });
    expect(anomaly).toMatchObject({
      type: 'AnomalyDetected',
      data: {
        score: 97,
        probability: 0.97,
        modelVersion: 'm-1',
        action: 'decline',
        reasons: assessment.reasons,
      },
    });
  });

  it('assesses a payment that already left pending without moving it or emitting anything', () => {
    const decision = decide(facts(90, { payment: payment({ status: 'approved', version: 2 }) }), newEvent);
    expect(decision.assessment).toMatchObject({ action: 'hold', applied: false });
    expect(decision.decided).toBeUndefined();
    expect(decision.openReview).toBeUndefined();
    expect(decision.events).toEqual([]);
  });

  it('keeps the shadow opinion beside the decision without acting on it', () => {
    const shadow = { modelVersion: 'm-2', probability: 0.99, score: 99, action: 'decline' as const };
    const decision = decide(facts(10, { shadow }), newEvent);
    expect(decision.assessment).toMatchObject({ action: 'approve', shadow });
    expect(types(decision.events)).toEqual(['PaymentApproved']);
  });

  it('is pure: the same facts give the same assessment and transition, and the input is left as it was', () => {
    const input = facts(85);
    const before = structuredClone(input);
    const a = decide(input, newEvent);
    const b = decide(input, newEvent);
    expect(a.assessment).toEqual(b.assessment);
    expect(a.decided).toEqual(b.decided);
    expect(input).toEqual(before);
  });
});
