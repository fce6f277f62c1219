/**
 * The notifications service's composition. The consumer's runtime is built from the environment:
 *   NOTIFIER                     `aws` (default): SES for e-mail, SNS SMS for texts; `sink`: the local mail sink
 *   RAMPAY_MAIL_SINK_DIR         with NOTIFIER=sink: where each message is written as a file
 *   SES_FROM_ADDRESS             the From address (required for aws)
 *   SES_CONFIGURATION_SET        SES configuration set (optional)
 *   SES_SANDBOX_RECIPIENTS       while the SES account is in the sandbox: comma-separated verified addresses or
 *                                @domains; e-mail to anyone else is suppressed rather than rejected by SES
 *   SMS_SENDER_ID                alphanumeric SMS sender id (optional)
 *   FRAUD_OPS_ADDRESS            where AnomalyDetected hold/decline alerts go (optional: no alert without it)
 *   FRAUD_OPS_ADDRESS_BY_MERCHANT  JSON {"merchantId": "address"} overriding it per merchant (optional)
 *   RECIPIENT_HASH_KEY           key of the recipient HMAC, or RECIPIENT_HASH_SECRET_ARN: a Secrets Manager
 *                                secret holding it (as SecretString)
 *   NOTIFICATION_LEASE_SECONDS   claim lease (default 60): above the function timeout, below the visibility timeout
 *   NOTIFICATION_TEMPLATES_DIR   the template files (bundles copy functions/notifications/templates there)
 * The audit log's reader (GET /payments/{id}/notifications) and the merchant's settings (GET and PUT
 * /merchant/settings) are built apart and need none of it: their bundles carry no SES or SNS client (each factory
 * is marked pure and no module here acts on import, so esbuild leaves out a factory its handler does not call, and
 * what only it imports).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { lambdaComposition } from '../shared/consumer/dependencies';
import type { ConsumerComposition } from '../shared/consumer/runtime';
import type { Sql } from '../shared/db/client';
import { sharedSql } from '../shared/db/connection';
import { memo } from '../shared/memo';
import { tracedClient } from '../shared/tracing';
import { paymentReads } from '../payments';
import { ChannelNotifier } from './adapters/channel-notifier';
import { FileSinkNotifier } from './adapters/file-sink-notifier';
import { SesNotifier } from './adapters/ses-notifier';
import { PostgresMerchantSettings } from './adapters/postgres-merchant-settings';
import { PostgresNotificationLog } from './adapters/postgres-notification-log';
import { SnsSmsNotifier } from './adapters/sns-sms-notifier';
import { notificationsLogger } from './logger';
import type { Notifier } from './ports';
import { TemplateSet } from './templates';
import type { ListNotificationsDeps } from './use-cases/list-notifications';
import type { MerchantSettingsDeps } from './use-cases/merchant-settings';
import type { NotifyConfig } from './use-cases/notify';

export interface NotificationsRuntime {
  sql: Sql;
  notifier: Notifier;
  templates: TemplateSet;
  config: NotifyConfig;
  /**
   * Whether the ledger runs on its own connection, committing each claim before the send (a pool of two or
   * more); with a one-connection pool it must share the consumer's transaction.
   */
  independentLedger: boolean;
}

const DEFAULT_LEASE_SECONDS = 60;
const SDK_TIMEOUTS = { connectionTimeout: 3000, requestTimeout: 10_000 };

export function notifierFromEnvironment(env: NodeJS.ProcessEnv): Notifier {
  if (env.NOTIFIER === 'sink') {
    if (!env.RAMPAY_MAIL_SINK_DIR) throw new Error('NOTIFIER=sink needs RAMPAY_MAIL_SINK_DIR');
    return new FileSinkNotifier(env.RAMPAY_MAIL_SINK_DIR, env.SES_FROM_ADDRESS);
  }
  if (env.NOTIFIER && env.NOTIFIER !== 'aws')
    throw new Error(`unknown NOTIFIER ${env.NOTIFIER}: aws or sink`);
  if (!env.SES_FROM_ADDRESS) throw new Error('SES_FROM_ADDRESS must be set to send e-mail');
  return new ChannelNotifier({
    email: new SesNotifier(tracedClient(new SESv2Client({ requestHandler: SDK_TIMEOUTS })), {
      fromAddress: env.SES_FROM_ADDRESS,
      ...(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
    }),
    sms: new SnsSmsNotifier(tracedClient(new SNSClient({ requestHandler: SDK_TIMEOUTS })), {
      ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
    }),
  });
}

async function hashKeyFrom(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.RECIPIENT_HASH_KEY) return env.RECIPIENT_HASH_KEY;
  if (env.RECIPIENT_HASH_SECRET_ARN) {
    const key = await getSecret<string>(env.RECIPIENT_HASH_SECRET_ARN, { maxAge: 3600 });
    if (typeof key === 'string' && key.length >= 16) return key;
    throw new Error('the recipient hash secret must hold a key of at least 16 characters');
  }
  throw new Error('set RECIPIENT_HASH_KEY or RECIPIENT_HASH_SECRET_ARN (the key of the recipient HMAC)');
}

export async function configFromEnvironment(env: NodeJS.ProcessEnv): Promise<NotifyConfig> {
  const lease = Number(env.NOTIFICATION_LEASE_SECONDS ?? DEFAULT_LEASE_SECONDS);
  if (!Number.isFinite(lease) || lease <= 0) throw new Error('NOTIFICATION_LEASE_SECONDS must be positive');
  let byMerchant: Record<string, string> | undefined;
  if (env.FRAUD_OPS_ADDRESS_BY_MERCHANT) {
    byMerchant = JSON.parse(env.FRAUD_OPS_ADDRESS_BY_MERCHANT) as Record<string, string>;
  }
  const sandbox = env.SES_SANDBOX_RECIPIENTS?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return {
    leaseSeconds: lease,
    hashKey: await hashKeyFrom(env),
    ...(env.FRAUD_OPS_ADDRESS ? { fraudOpsAddress: env.FRAUD_OPS_ADDRESS } : {}),
    ...(byMerchant ? { fraudOpsAddressByMerchant: byMerchant } : {}),
    ...(sandbox && sandbox.length > 0 ? { sandboxRecipients: sandbox } : {}),
  };
}

/** Built on the first event, once per container (so importing the handler reads no environment). */
export const notificationsRuntime = /* @__PURE__ */ memo(async (): Promise<NotificationsRuntime> => {
  const sql = await sharedSql();
  return {
    sql,
    notifier: notifierFromEnvironment(process.env),
    templates: new TemplateSet(),
    config: await configFromEnvironment(process.env),
    independentLedger: (sql.options.max ?? 1) > 1,
  };
});

/**
 * The consumer's composition: its runtime on the process's shared database client and SNS publisher, with the
 * masking logger as the parent of every record's logger.
 */
export const notificationsConsumerComposition: ConsumerComposition<NotificationsRuntime> =
  /* @__PURE__ */ lambdaComposition({ logger: notificationsLogger, dependencies: notificationsRuntime });

/** For the local platform and tests: forget the runtime so the next event builds it from the environment. */
export function resetNotificationsRuntime(): void {
  notificationsRuntime.reset();
}

/** GET /payments/{id}/notifications' dependencies: the audit log, and payments' reads to check the payment. */
export const listNotificationsDeps = /* @__PURE__ */ memo(async (): Promise<ListNotificationsDeps> => ({
  log: new PostgresNotificationLog(await sharedSql()),
  payments: (await paymentReads()).store,
}));

/** GET and PUT /merchant/settings' dependencies. */
export const merchantSettingsDeps = /* @__PURE__ */ memo(async (): Promise<MerchantSettingsDeps> => ({
  settings: new PostgresMerchantSettings(await sharedSql()),
}));
