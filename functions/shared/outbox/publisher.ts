import { SNSClient } from '@aws-sdk/client-sns';
import { tracedClient } from '../tracing/aws-client';
import { SnsEventPublisher } from './adapters/sns-event-publisher';
import type { EventPublisher } from './ports';

let shared: EventPublisher | undefined;

/** The process's publisher: SNS topics named by PAYMENTS_TOPIC_ARN and FRAUD_TOPIC_ARN. */
export function sharedPublisher(): EventPublisher {
  if (!shared) {
    const payments = process.env.PAYMENTS_TOPIC_ARN;
    const fraud = process.env.FRAUD_TOPIC_ARN;
    if (!payments || !fraud)
      throw new Error('PAYMENTS_TOPIC_ARN and FRAUD_TOPIC_ARN must be set to publish events');
    shared = new SnsEventPublisher(tracedClient(new SNSClient({})), { payments, fraud });
  }
  return shared;
}

/** For tests and the local platform. */
export function useSharedPublisher(publisher: EventPublisher | undefined): void {
  shared = publisher;
}
