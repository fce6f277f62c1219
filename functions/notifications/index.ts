/**
 * The notifications service's public face: what programs may use (the local platform sends notifications to its
 * mail sink and rebuilds the runtime when it points the service there).
 */
export { resetNotificationsRuntime } from './composition';
export type { SinkMessage } from './adapters/file-sink-notifier';
