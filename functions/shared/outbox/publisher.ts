import { SNSClient } from '@aws-sdk/client-sns';
import { tracedClient } from '../tracing/aws-client';
import { TOPIC_NAMES, topicArnVariable, type TopicName } from '../events/topology';
import { SnsEventPublisher } from './adapters/sns-event-publisher';
import type { EventPublisher } from './ports';

let shared: EventPublisher | undefined;

/** The process's publisher: the SNS topics named by PAYMENTS_TOPIC_ARN, FRAUD_TOPIC_ARN and MERCHANTS_TOPIC_ARN. */
export function sharedPublisher(): EventPublisher {
  if (!shared) {
    const missing = TOPIC_NAMES.map(topicArnVariable).filter((name) => !process.env[name]);
    if (missing.length > 0) throw new Error(`${missing.join(', ')} must be set to publish events`);
    const arns = Object.fromEntries(
      TOPIC_NAMES.map((topic) => [topic, process.env[topicArnVariable(topic)]!]),
    ) as Record<TopicName, string>;
    shared = new SnsEventPublisher(tracedClient(new SNSClient({})), arns);
  }
  return shared;
}

/** For tests and the local platform. */
export function useSharedPublisher(publisher: EventPublisher | undefined): void {
  shared = publisher;
}
