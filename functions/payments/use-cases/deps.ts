import type { CommittedEventPublisher, FraudAssessments, PaymentReadStore, PaymentStore } from '../ports';

export interface PaymentsDeps {
  store: PaymentStore;
  events: CommittedEventPublisher;
  now: () => Date;
}

export interface PaymentReads {
  store: PaymentReadStore;
  /** The payments' fraud assessments (implemented by functions/fraud); without it, none is shown. */
  assessments?: FraudAssessments;
}
