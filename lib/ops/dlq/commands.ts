import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventType } from '../../../functions/domain/events';
import { maskContactsIn } from '../../../functions/notifications';
import { EVENT_TYPE_ATTRIBUTE } from '../../../functions/shared/events/topology';
import type { DlqEnvironment, DlqTarget } from './environment';
import { failureLine, rejectionOf, type FailureReport } from './failures';
import { startProgress, type Io } from './progress';

export interface CommandDeps {
  io: Io;
  /** Waits between move task polls (injected by tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Move task poll interval, ms (default 3000). */
  pollMs?: number;
}

/** How long a message stays hidden while this tool holds it (it is released at the end). */
const HOLD_SECONDS = 60;

async function depth(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

const NUMERIC = new Set(['messages', 'in flight', 'oldest', 'receives']);

/** Columns padded to width: numbers right-aligned, text left-aligned. */
function table(rows: string[][]): string[] {
  const header = rows[0]!;
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (NUMERIC.has(header[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export async function listCommand(environment: DlqEnvironment, { io }: CommandDeps): Promise<number> {
  const rows = [['DLQ', 'consumer', 'messages', 'in flight', 'oldest']];
  for (const target of environment.targets) {
    const [d, age] = await Promise.all([
      depth(environment.sqs, target.dlq.url),
      environment.oldestAgeSeconds(target),
    ]);
    rows.push([target.dlq.name, target.consumer, String(d.visible), String(d.inFlight), formatAge(age)]);
  }
  io.out(`DLQs of the ${environment.label}:`);
  for (const line of table(rows)) io.out(line);
  return 0;
}

interface Envelope {
  id?: string;
  type?: string;
  paymentId?: string;
}

function envelopeOf(message: Message): Envelope | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as unknown;
    return body && typeof body === 'object' ? (body as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

/** The event type a message carries: its eventType attribute, else the envelope's type. */
export function eventTypeOf(message: Message): string | undefined {
  return message.MessageAttributes?.[EVENT_TYPE_ATTRIBUTE]?.StringValue ?? envelopeOf(message)?.type;
}

function iso(epochMs: string | undefined): string {
  return epochMs ? new Date(Number(epochMs)).toISOString() : '-';
}

async function receive(sqs: SQSClient, url: string, max: number): Promise<Message[]> {
  const response = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: Math.min(10, max),
      WaitTimeSeconds: 1,
      VisibilityTimeout: HOLD_SECONDS,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return response.Messages ?? [];
}

/** Makes held messages visible again (best effort: if this fails they reappear after HOLD_SECONDS anyway). */
async function release(sqs: SQSClient, url: string, messages: Message[], io: Io): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    try {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: chunk.map((m, n) => ({
            Id: String(n),
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: 0,
          })),
        }),
      );
    } catch (error) {
      io.err(
        `warning: could not release ${chunk.length} message(s); they reappear within ${HOLD_SECONDS}s (${(error as Error).message})`,
      );
    }
  }
}

export async function peekCommand(
  environment: DlqEnvironment,
  target: DlqTarget,
  max: number,
  { io }: CommandDeps,
): Promise<number> {
  const held: Message[] = [];
  const seen = new Set<string>();
  try {
    while (held.length < max) {
      const batch = await receive(environment.sqs, target.dlq.url, max - held.length);
      const fresh = batch.filter((m) => !seen.has(m.MessageId!));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.add(m.MessageId!);
      held.push(...fresh);
    }
  } finally {
    await release(environment.sqs, target.dlq.url, held, io);
  }
  if (held.length === 0) {
    io.out(`${target.dlq.name} is empty.`);
    return 0;
  }
  io.out(
    `${held.length} message(s) in ${target.dlq.name} (left in place; peeking adds one to each receive count):`,
  );
  const rows = [['message id', 'event type', 'event id', 'payment id', 'receives', 'first failed at']];
  for (const m of held) {
    const envelope = envelopeOf(m);
    rows.push([
      m.MessageId!,
      eventTypeOf(m) ?? '(not an event)',
      envelope?.id ?? '-',
      envelope?.paymentId ?? '-',
      m.Attributes?.ApproximateReceiveCount ?? '-',
      iso(m.Attributes?.ApproximateFirstReceiveTimestamp),
    ]);
  }
  for (const line of table(rows)) io.out(line);
  const why = await whyEachFailed(environment, target, held);
  for (const m of held) {
    io.out('');
    io.out(`${m.MessageId} body (e-mail addresses and phone numbers masked):`);
    io.out(maskedBody(m.Body ?? ''));
    io.out(`why it failed: ${why(m)}`);
  }
  return 0;
}

/**
 * Why each message failed: a body that is no event envelope is refused for what it is (found here as the runtime
 * finds it); an event's last failure is what its consumer recorded (environment.failures: the log group on AWS,
 * the platform's record locally). A source that cannot be read is said, and the messages are shown all the same.
 */
async function whyEachFailed(
  environment: DlqEnvironment,
  target: DlqTarget,
  messages: Message[],
): Promise<(m: Message) => string> {
  const source = environment.failures(target);
  const rejections = new Map(messages.map((m) => [m, rejectionOf(m.Body ?? '')]));
  const lookups = messages
    .filter((m) => rejections.get(m) === undefined)
    .map((m) => ({
      eventId: String(envelopeOf(m)!.id),
      sinceMs:
        Number(m.Attributes?.SentTimestamp ?? m.Attributes?.ApproximateFirstReceiveTimestamp) || undefined,
    }));
  let found = new Map<string, FailureReport>();
  let unreadable: string | undefined;
  try {
    if (lookups.length > 0) found = await source.lastFailures(lookups);
  } catch (error) {
    const e = error as Error;
    unreadable = `could not read ${source.label} (${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message})`;
  }
  return (m) => {
    const rejection = rejections.get(m);
    if (rejection !== undefined) return `the ${target.consumer} consumer refuses it: ${rejection}`;
    return unreadable ?? failureLine(found.get(String(envelopeOf(m)!.id)), source.label);
  };
}

/** The body, pretty-printed when it is JSON, with customers' contact details masked. */
export function maskedBody(body: string): string {
  let text = body;
  try {
    text = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // not JSON: shown as it came
  }
  return maskContactsIn(text);
}

export interface ReplayOptions {
  max?: number;
  type?: EventType;
  dryRun: boolean;
  detach: boolean;
}

export interface ReplaySummary {
  moved: number;
  skipped: number;
  failed: number;
}

function printSummary(io: Io, summary: ReplaySummary, dryRun: boolean): void {
  const verb = dryRun ? 'would move' : 'moved';
  io.out(`${verb} ${summary.moved}, skipped ${summary.skipped}, failed ${summary.failed}`);
}

export async function replayCommand(
  environment: DlqEnvironment,
  target: DlqTarget,
  options: ReplayOptions,
  deps: CommandDeps,
): Promise<number> {
  const unfiltered = options.max === undefined && options.type === undefined && !options.dryRun;
  if (environment.supportsMoveTask && unfiltered) return moveTask(environment, target, options, deps);
  const summary = await receiveResendDelete(environment.sqs, target, options, deps.io);
  printSummary(deps.io, summary, options.dryRun);
  return summary.failed > 0 ? 1 : 0;
}

/**
 * Receive from the DLQ, re-send to the source queue, then delete from the DLQ only what was re-sent. Messages
 * skipped (other type, dry run) or not re-sent stay held until the end, then are released in place.
 */
export async function receiveResendDelete(
  sqs: SQSClient,
  target: DlqTarget,
  options: ReplayOptions,
  io: Io,
): Promise<ReplaySummary> {
  const summary: ReplaySummary = { moved: 0, skipped: 0, failed: 0 };
  const limit = options.max ?? Number.POSITIVE_INFINITY;
  const held: Message[] = [];
  const seen = new Set<string>();
  const initial = (await depth(sqs, target.dlq.url)).visible;
  const label = `${options.dryRun ? 'checking' : 'replaying'} ${target.dlq.name} -> ${target.queue.name}`;
  const progress = startProgress(io, label, Math.min(initial, limit));
  try {
    while (summary.moved + summary.failed < limit) {
      const batch = (await receive(sqs, target.dlq.url, limit - summary.moved - summary.failed)).filter(
        (m) => !seen.has(m.MessageId!),
      );
      if (batch.length === 0) break;
      for (const m of batch) seen.add(m.MessageId!);
      const wanted = batch.filter((m) => options.type === undefined || eventTypeOf(m) === options.type);
      const others = batch.filter((m) => !wanted.includes(m));
      summary.skipped += others.length;
      held.push(...others);
      if (options.dryRun) {
        summary.moved += wanted.length;
        held.push(...wanted);
      } else if (wanted.length > 0) {
        const { sent, failed } = await resend(sqs, target, wanted, io);
        held.push(...failed);
        summary.failed += failed.length;
        const notDeleted = await deleteFrom(sqs, target.dlq.url, sent, io);
        summary.moved += sent.length - notDeleted;
        summary.failed += notDeleted;
      }
      progress.update(summary.moved + summary.failed, Math.min(initial, limit));
    }
  } finally {
    progress.stop();
    await release(sqs, target.dlq.url, held, io);
  }
  return summary;
}

async function resend(
  sqs: SQSClient,
  target: DlqTarget,
  messages: Message[],
  io: Io,
): Promise<{ sent: Message[]; failed: Message[] }> {
  try {
    const response = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.queue.url,
        Entries: messages.map((m, n) => ({
          Id: String(n),
          MessageBody: m.Body!,
          MessageAttributes: m.MessageAttributes,
        })),
      }),
    );
    const ok = new Set((response.Successful ?? []).map((s) => s.Id));
    for (const f of response.Failed ?? []) {
      io.err(`re-send failed for ${messages[Number(f.Id)]?.MessageId}: ${f.Code} ${f.Message ?? ''}`);
    }
    return {
      sent: messages.filter((_, n) => ok.has(String(n))),
      failed: messages.filter((_, n) => !ok.has(String(n))),
    };
  } catch (error) {
    io.err(`re-send of ${messages.length} message(s) failed: ${(error as Error).message}`);
    return { sent: [], failed: messages };
  }
}

/** Deletes re-sent messages from the DLQ; returns how many could not be deleted (they would be replayed twice). */
async function deleteFrom(sqs: SQSClient, url: string, messages: Message[], io: Io): Promise<number> {
  if (messages.length === 0) return 0;
  try {
    const response = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    for (const f of response.Failed ?? []) {
      io.err(
        `re-sent but not deleted from the DLQ (a harmless duplicate): ${messages[Number(f.Id)]?.MessageId}`,
      );
    }
    return response.Failed?.length ?? 0;
  } catch (error) {
    io.err(
      `${messages.length} re-sent message(s) not deleted from the DLQ (harmless duplicates): ${(error as Error).message}`,
    );
    return messages.length;
  }
}

function describeTask(task: ListMessageMoveTasksResultEntry): string {
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const total = task.ApproximateNumberOfMessagesToMove;
  const started = task.StartedTimestamp ? new Date(task.StartedTimestamp).toISOString() : '-';
  const reason = task.FailureReason ? ` (${task.FailureReason})` : '';
  return `${task.Status}: ${moved}${total !== undefined ? `/${total}` : ''} moved, started ${started}${reason}`;
}

async function latestTask(
  sqs: SQSClient,
  dlqArn: string,
): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const response = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
  return response.Results?.[0];
}

async function moveTask(
  environment: DlqEnvironment,
  target: DlqTarget,
  options: ReplayOptions,
  { io, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), pollMs = 3000 }: CommandDeps,
): Promise<number> {
  const started = await environment.sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: target.dlq.arn, DestinationArn: target.queue.arn }),
  );
  io.out(
    `started an SQS message move task ${target.dlq.name} -> ${target.queue.name} (${started.TaskHandle})`,
  );
  if (options.detach) {
    io.out(`follow it with: npm run dlq -- status`);
    return 0;
  }
  const progress = startProgress(io, `moving ${target.dlq.name} -> ${target.queue.name}`, 0);
  let task: ListMessageMoveTasksResultEntry | undefined;
  try {
    for (;;) {
      task = await latestTask(environment.sqs, target.dlq.arn);
      progress.update(task?.ApproximateNumberOfMessagesMoved ?? 0, task?.ApproximateNumberOfMessagesToMove);
      if (task && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') break;
      await sleep(pollMs);
    }
  } finally {
    progress.stop();
  }
  io.out(`move task ${describeTask(task)}`);
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const failed =
    task.Status === 'COMPLETED' ? 0 : Math.max(0, (task.ApproximateNumberOfMessagesToMove ?? moved) - moved);
  printSummary(io, { moved, skipped: 0, failed }, false);
  return task.Status === 'COMPLETED' ? 0 : 1;
}

export async function statusCommand(environment: DlqEnvironment, { io }: CommandDeps): Promise<number> {
  if (!environment.supportsMoveTask) {
    io.out(
      `The ${environment.label} has no message move tasks: its replays run in the foreground. DLQ depths:`,
    );
    return listCommand(environment, { io });
  }
  io.out(`Message move tasks of the ${environment.label}:`);
  for (const target of environment.targets) {
    const response = await environment.sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: target.dlq.arn, MaxResults: 3 }),
    );
    const tasks = response.Results ?? [];
    if (tasks.length === 0) io.out(`${target.dlq.name}: no move task`);
    for (const task of tasks) io.out(`${target.dlq.name}: ${describeTask(task)}`);
  }
  return 0;
}
