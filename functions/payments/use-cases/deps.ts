import type { AssessmentResource } from '../../fraud/assessments';
import type { CommittedEventPublisher, PaymentReadStore, PaymentStore } from '../ports';

export interface PaymentsDeps {
  store: PaymentStore;
  events: CommittedEventPublisher;
  now: () => Date;
}

export interface PaymentReads {
  store: PaymentReadStore;
  /** The payment's fraud assessment (functions/fraud's read port); undefined until it is scored. */
  findAssessment?(merchantId: string, paymentId: string): Promise<AssessmentResource | undefined>;
}
