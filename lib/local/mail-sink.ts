/**
 * The local platform's mail sink: the notifications consumer runs with NOTIFIER=sink and writes every e-mail and
 * SMS as a JSON file under <dataDir>/outbox/; GET /local/notifications lists the token's merchant's, newest first.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { resetNotificationsRuntime, type SinkMessage } from '../../functions/notifications';
import type { Sql } from '../../functions/shared/db/client';
import { MERCHANT_CLAIM } from '../../functions/shared/http/auth';
import type { LocalRoute } from './http-server';

export type { SinkMessage };

/** How many messages GET /local/notifications shows (the newest). */
export const LISTED_MESSAGES = 200;

/** Every message in the sink, newest first (at most `limit`). */
export async function readSinkMessages(dir: string, limit = LISTED_MESSAGES): Promise<SinkMessage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // Names start with the send time, so name order is time order.
  const newest = names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .reverse()
    .slice(0, limit);
  const messages: SinkMessage[] = [];
  for (const name of newest) {
    messages.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as SinkMessage);
  }
  return messages;
}

export interface LocalMailSink {
  dir: string;
  messages(limit?: number): Promise<SinkMessage[]>;
}

/**
 * Points the notifications consumer at the sink: NOTIFIER=sink, RAMPAY_MAIL_SINK_DIR=<dataDir>/outbox, a local
 * sender and fraud-operations address, and a recipient-hash key for local use only. Values already set in the
 * environment win, except the sink's folder, which follows `dataDir`. Call it before the first event.
 */
export function useLocalMailSink(dataDir: string, env: NodeJS.ProcessEnv = process.env): LocalMailSink {
  const dir = path.join(dataDir, 'outbox');
  env.NOTIFIER = 'sink';
  env.RAMPAY_MAIL_SINK_DIR = dir;
  env.SES_FROM_ADDRESS ??= 'no-reply@rampay.local';
  env.FRAUD_OPS_ADDRESS ??= 'fraud-ops@rampay.local';
  env.RECIPIENT_HASH_KEY ??= 'rampay-local-recipient-hash-key (not for production)';
  resetNotificationsRuntime();
  return { dir, messages: (limit?: number) => readSinkMessages(dir, limit) };
}

/**
 * GET /local/notifications: customers' addresses and messages, so only for a local token with audit:read, and only
 * the messages about the token's merchant's events (the notifications consumer records each event's merchant),
 * among the sink's newest LISTED_MESSAGES.
 */
export function mailSinkRoute(sink: LocalMailSink, sql: Sql): LocalRoute {
  return {
    method: 'GET',
    path: '/local/notifications',
    scope: 'audit:read',
    serve: async (request) => {
      const merchantId = request?.claims?.[MERCHANT_CLAIM];
      const newest = await sink.messages();
      const eventIds = [...new Set(newest.map((m) => m.eventId))];
      const merchants = await sql<{ event_id: string }[]>`
        select distinct event_id from notification_deliveries
         where merchant_id = ${typeof merchantId === 'string' ? merchantId : ''}
           and event_id = any(${eventIds}::text[])`;
      const own = new Set(merchants.map((row) => row.event_id));
      const data = newest.filter((m) => own.has(m.eventId));
      return { status: 200, body: { object: 'list', dir: sink.dir, count: data.length, data } };
    },
  };
}
