import type { Payment } from '../domain/payment';
import { paymentResource, type PaymentFraudAssessment } from '../payments';
import type { Assessment, ReviewItem, StoredLabel } from './ports';
import { decisionsThatFit } from './review-rules';

/** The API's view of an assessment (also shown on GET /payments/{id}, through payments' port). */
export function assessmentResource(a: Assessment): PaymentFraudAssessment {
  return {
    object: 'fraud_assessment' as const,
    score: a.score,
    probability: a.probability,
    modelVersion: a.modelVersion,
    action: a.action,
    applied: a.applied,
    reasons: a.reasons,
    thresholds: a.thresholds,
    features: a.features,
    assessedAt: a.assessedAt,
  };
}
export type AssessmentResource = ReturnType<typeof assessmentResource>;

export function reviewResource(
  item: ReviewItem,
  payment: Payment,
  assessment: Pick<Assessment, 'score' | 'modelVersion' | 'reasons'>,
) {
  const open = item.decision === undefined;
  return {
    object: 'review' as const,
    paymentId: item.paymentId,
    kind: item.kind,
    status: open ? ('open' as const) : ('decided' as const),
    openedAt: item.openedAt,
    ...(item.decision === undefined ? {} : { decision: item.decision }),
    ...(item.reviewer === undefined ? {} : { reviewer: item.reviewer }),
    ...(item.note === undefined ? {} : { note: item.note }),
    ...(item.decidedAt === undefined ? {} : { decidedAt: item.decidedAt }),
    allowedDecisions: open ? [...decisionsThatFit(payment.status)] : [],
    score: assessment.score,
    modelVersion: assessment.modelVersion,
    reasons: assessment.reasons,
    payment: paymentResource(payment),
  };
}
export type ReviewResource = ReturnType<typeof reviewResource>;

/** A review as the operators' queue shows it: with the merchant it belongs to. */
export function operatorReviewResource(
  item: ReviewItem,
  payment: Payment,
  assessment: Pick<Assessment, 'score' | 'modelVersion' | 'reasons'>,
) {
  return { ...reviewResource(item, payment, assessment), merchantId: item.merchantId };
}
export type OperatorReviewResource = ReturnType<typeof operatorReviewResource>;

/** The API's view of a payment's fraud label (POST /payments/{id}/fraud-reports). */
export function fraudLabelResource(label: StoredLabel & { fraud: true }) {
  return {
    object: 'fraud_label' as const,
    paymentId: label.paymentId,
    fraud: label.fraud,
    source: label.source,
    labelledAt: label.labelledAt,
  };
}
