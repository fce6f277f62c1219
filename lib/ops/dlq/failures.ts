/**
 * Why a DLQ message failed. SQS keeps no reason with a message; the consumer runtime records each event's failures
 * (functions/shared/consumer/failures.ts): it logs them (`reason` on its ERROR line) and keeps the last one in
 * consumer_failures. On AWS the operator's machine is outside the VPC, so the CLI reads the ERROR lines from the
 * consumer function's log group (FilterLogEvents); locally it asks the platform (GET /local/consumer-failures).
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { parseEvent } from '../../../functions/domain/event-schemas';
import { CONSUMER_FAILURES_PATH, MAX_EVENTS_ASKED } from '../../local/consumer-failures';

export interface FailureReport {
  /** The error's class, e.g. ConcurrentUpdateError. */
  errorName: string;
  /** What went wrong, with no customer data (absent from log lines older than the reason). */
  reason?: string;
  /** Which delivery failed. */
  attempt?: number;
  failedAt: string;
}

/** An event to find the failure of, and when its message was first received (where to start looking). */
export interface FailureLookup {
  eventId: string;
  sinceMs?: number;
}

/** Where the failures of one consumer are read, for the peek's wording. */
export interface FailureSource {
  /** e.g. "the fraud function's log group /aws/lambda/..." */
  label: string;
  lastFailures(lookups: readonly FailureLookup[]): Promise<Map<string, FailureReport>>;
}

/** Event ids go into a filter pattern: only those of the identifier charset are looked up. */
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,255}$/;
/** Event ids per FilterLogEvents call (a filter pattern may be 1024 characters long). */
const IDS_PER_QUERY = 10;
/** Pages of one FilterLogEvents search, at most (each scans part of the log group). */
const MAX_PAGES = 20;
/** A DLQ keeps a message 14 days: no failure of it is older. */
const DLQ_RETENTION_MS = 14 * 24 * 3600 * 1000;
/** The clocks of SQS and Lambda's logs may differ a little. */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

/** The consumer's ERROR lines of these events, from its log group: the latest failure of each. */
export async function logGroupFailures(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  lookups: readonly FailureLookup[],
  now = Date.now(),
): Promise<Map<string, FailureReport>> {
  const found = new Map<string, FailureReport>();
  const wanted = lookups.filter((l) => EVENT_ID.test(l.eventId));
  for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
    const chunk = wanted.slice(i, i + IDS_PER_QUERY);
    const since = Math.min(...chunk.map((l) => l.sinceMs ?? now - DLQ_RETENTION_MS));
    const ids = chunk.map((l) => `$.eventId = "${l.eventId}"`).join(' || ');
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await logs.send(
        new FilterLogEventsCommand({
          logGroupName,
          filterPattern: `{ $.level = "ERROR" && (${ids}) }`,
          startTime: since - CLOCK_SLACK_MS,
          endTime: now,
          nextToken,
        }),
      );
      for (const event of response.events ?? []) {
        const report = reportOfLogLine(event.message ?? '', event.timestamp);
        if (!report) continue;
        const known = found.get(report.eventId);
        if (!known || known.failedAt <= report.failure.failedAt) found.set(report.eventId, report.failure);
      }
      nextToken = response.nextToken;
      if (!nextToken) break;
    }
  }
  return found;
}

/** A consumer's failure line (Powertools JSON): its event id and what it says of the failure. */
function reportOfLogLine(
  line: string,
  loggedAt: number | undefined,
): { eventId: string; failure: FailureReport } | undefined {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof fields.eventId !== 'string') return undefined;
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const failedAt = text('timestamp') ?? new Date(loggedAt ?? 0).toISOString();
  return {
    eventId: fields.eventId,
    failure: {
      errorName: text('errorClass') ?? 'unknown',
      ...(text('reason') ? { reason: text('reason') } : {}),
      ...(typeof fields.receiveCount === 'number' ? { attempt: fields.receiveCount } : {}),
      failedAt: new Date(failedAt).toISOString(),
    },
  };
}

/** What the local platform answers at GET /local/consumer-failures. */
interface LocalFailure {
  eventId: string;
  errorName: string;
  reason: string;
  attempt: number;
  failedAt: string;
}

/** The last failures the local platform's runtime kept (its consumer_failures table). */
export async function localFailures(
  baseUrl: string,
  consumer: string,
  lookups: readonly FailureLookup[],
  fetchImpl: typeof fetch = fetch,
): Promise<Map<string, FailureReport>> {
  const found = new Map<string, FailureReport>();
  const wanted = lookups.filter((l) => EVENT_ID.test(l.eventId));
  for (let i = 0; i < wanted.length; i += MAX_EVENTS_ASKED) {
    const query = new URLSearchParams({ consumer });
    for (const l of wanted.slice(i, i + MAX_EVENTS_ASKED)) query.append('event_id', l.eventId);
    const endpoint = `${baseUrl.replace(/\/$/, '')}${CONSUMER_FAILURES_PATH}?${query}`;
    const response = await fetchImpl(endpoint, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${endpoint} answered ${response.status}`);
    const { data } = (await response.json()) as { data: LocalFailure[] };
    for (const f of data) {
      found.set(f.eventId, {
        errorName: f.errorName,
        reason: f.reason,
        attempt: f.attempt,
        failedAt: new Date(f.failedAt).toISOString(),
      });
    }
  }
  return found;
}

/**
 * Why a consumer refuses a message that is no event envelope, found as its runtime finds it: the body is not JSON,
 * or the envelope's issues (fields and rules, never values). Undefined for a valid envelope.
 */
export function rejectionOf(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  try {
    parseEvent(parsed);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The line peek prints under a message: its last failure, or why none is shown. */
export function failureLine(report: FailureReport | undefined, source: string): string {
  if (!report) return `no failure recorded for its event in ${source}`;
  const what = report.reason ? `${report.errorName}: ${report.reason}` : report.errorName;
  const when = [
    report.attempt !== undefined ? `delivery ${report.attempt}` : undefined,
    `at ${report.failedAt}`,
  ].filter(Boolean);
  return `${what} (${when.join(', ')}; from ${source})`;
}
