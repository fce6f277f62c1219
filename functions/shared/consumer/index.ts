export { defineConsumer } from './consumer';
export type {
  AfterBatchContext,
  BatchOutcome,
  ConsumedEvent,
  ConsumerContext,
  ConsumerDefinition,
  ConsumerWrites,
  Emitted,
  EventFactory,
  EventFields,
  EventsOf,
  InboxClaim,
} from './consumer';
export { claimEvent, inboxInsert, pruneInbox, wasProcessed } from './inbox';
export {
  describeFailure,
  FAILURE_RETENTION_DAYS,
  lastFailures,
  pruneFailures,
  type ConsumerFailure,
} from './failures';
export type { InboxEntry } from './inbox';
export { consumerHandler, RejectedMessageError } from './runtime';
export type { ConsumerComposition, RecordOutcome, SqsBatchHandler } from './runtime';
export { lambdaComposition } from './dependencies';
