export { consumes, defineConsumer } from './consumer';
export type { ConsumedEvent, ConsumerContext, ConsumerDefinition, EmitFields, EventsOf } from './consumer';
export { claimEvent, inboxInsert, pruneInbox, wasProcessed } from './inbox';
export type { InboxEntry } from './inbox';
export { createSqsHandler, processRecord, RejectedMessageError } from './runtime';
export type { ConsumerDependencies, RecordOutcome, SqsBatchHandler } from './runtime';
export { lambdaHandler, sharedConsumerDependencies } from './dependencies';
