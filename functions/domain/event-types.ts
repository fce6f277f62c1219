/** The names of RamPay's events: what producers may write and consumers subscribe to. */
export const EVENT_TYPES = [
  'PaymentCreated',
  'PaymentApproved',
  'PaymentFailed',
  'PaymentRefunded',
  'AnomalyDetected',
  'ReviewDecided',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
