import { PostgresPaymentReads } from '../payments/adapters/postgres-payment-reads';
import { sharedSql } from '../shared/db/connection';
import { PostgresNotificationLog } from './adapters/postgres-notification-log';
import type { ListNotificationsDeps } from './use-cases/list-notifications';

let deps: Promise<ListNotificationsDeps> | undefined;

/** GET /payments/{id}/notifications' dependencies, built once per container (no SES/SNS clients here). */
export function listNotificationsDeps(): Promise<ListNotificationsDeps> {
  deps ??= sharedSql().then((sql) => ({
    log: new PostgresNotificationLog(sql),
    payments: new PostgresPaymentReads(sql),
  }));
  deps.catch(() => (deps = undefined));
  return deps;
}
