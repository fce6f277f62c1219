/**
 * The notifications service's public face: its use cases and composition. Everything else in
 * functions/notifications/ is private to it (test/architecture/imports.test.ts checks that). The local platform
 * points the service at its mail sink and rebuilds the runtime from the environment.
 */
export type { Notifier } from './ports';
export { listNotifications, type ListNotificationsDeps } from './use-cases/list-notifications';
export { notify, type NotifyConfig, type NotifyDeps } from './use-cases/notify';
export {
  getMerchantSettings,
  putMerchantSettings,
  type MerchantSettingsDeps,
} from './use-cases/merchant-settings';
export type { MerchantSettings, MerchantSettingsStore } from './ports';
export { PostgresMerchantSettings } from './adapters/postgres-merchant-settings';
export {
  listNotificationsDeps,
  merchantSettingsDeps,
  notificationsRuntime,
  resetNotificationsRuntime,
  type NotificationsRuntime,
} from './composition';
export type { SinkMessage } from './adapters/file-sink-notifier';
export { maskContactsIn } from './recipients';
