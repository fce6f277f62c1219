import type { CommittedEventPublisher, PaymentStore } from '../ports';

export interface PaymentsDeps {
  store: PaymentStore;
  events: CommittedEventPublisher;
  now: () => Date;
}
