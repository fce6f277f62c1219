import type { AssessmentResource } from '../../fraud/assessments';
import type { CommittedEventPublisher, PaymentStore } from '../ports';

export interface PaymentsDeps {
  store: PaymentStore;
  events: CommittedEventPublisher;
  now: () => Date;
}

export interface PaymentReads {
  store: PaymentStore;
  /** The payment's fraud assessment (functions/fraud's read port); undefined until it is scored. */
  findAssessment?(merchantId: string, paymentId: string): Promise<AssessmentResource | undefined>;
}
