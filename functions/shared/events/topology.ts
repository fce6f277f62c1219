/**
 * The event topology, declared once: which topic carries which event type, and which consumer queue
 * subscribes to which types. The CDK stacks and the local platform both build from this table.
 */
import { EVENT_TYPES, PAYMENT_EVENT_TYPES, type EventType } from '../../domain/events';

export const TOPICS = {
  payments: ['PaymentCreated', 'PaymentApproved', 'PaymentFailed', 'PaymentRefunded', 'ReviewDecided'],
  fraud: ['AnomalyDetected'],
  // Events about a merchant's account rather than a payment.
  merchants: ['WebhookEndpointDisabled'],
} as const satisfies Record<string, readonly EventType[]>;

export type TopicName = keyof typeof TOPICS;
export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

export const CONSUMERS = {
  fraud: { events: ['PaymentCreated'] },
  notifications: {
    events: [
      'PaymentCreated',
      'PaymentApproved',
      'PaymentFailed',
      'AnomalyDetected',
      'WebhookEndpointDisabled',
    ],
  },
  analytics: { events: PAYMENT_EVENT_TYPES },
  // Merchants' endpoints get every event of their feed (GET /events); each endpoint picks its types.
  webhooks: { events: EVENT_TYPES },
} as const satisfies Record<string, { events: readonly EventType[] }>;

export type ConsumerName = keyof typeof CONSUMERS;
export const CONSUMER_NAMES = Object.keys(CONSUMERS) as ConsumerName[];

/** The environment variable that names a topic's ARN to publishers: PAYMENTS_TOPIC_ARN, FRAUD_TOPIC_ARN... */
export function topicArnVariable(topic: TopicName): string {
  return `${topic.toUpperCase()}_TOPIC_ARN`;
}

/** The SNS message attribute every subscription filters on. */
export const EVENT_TYPE_ATTRIBUTE = 'eventType';

export function topicFor(type: EventType): TopicName {
  const topic = TOPIC_NAMES.find((name) => (TOPICS[name] as readonly EventType[]).includes(type));
  if (!topic) throw new Error(`no topic carries ${type}`);
  return topic;
}

/** For one consumer: each topic it subscribes to and the event types its filter policy lets through. */
export function subscriptionsOf(consumer: ConsumerName): { topic: TopicName; events: EventType[] }[] {
  const wanted = CONSUMERS[consumer].events as readonly EventType[];
  return TOPIC_NAMES.map((topic) => ({
    topic,
    events: (TOPICS[topic] as readonly EventType[]).filter((type) => wanted.includes(type)),
  })).filter((s) => s.events.length > 0);
}
