/**
 * The tracing port: spans around the work a request or a message causes, the current span's context for what
 * leaves the process (the event envelope's `traceparent`, the AWS calls' X-Ray header), and a recorder that
 * receives each finished span. On Lambda the recorder sends X-Ray segment documents to the function's X-Ray
 * daemon (xray-recorder.ts); `npm start` installs an in-process one (lib/local/traces.ts); without a recorder
 * (tests, scripts) a span costs one check and nothing is propagated. The current span lives in an
 * AsyncLocalStorage, so no code passes it around.
 *
 * Span names and attributes name the work (the route, the consumer and event type, the statement's operation and
 * table, the AWS operation) and carry ids, never parameters, bodies or anyone's personal data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { formatTraceparent, newSpanId, newTraceId, type TraceContext } from './trace-context';
import type { FinishedSpan, SpanAttributes, SpanKind, SpanRecorder } from './span';
import { xrayRecorderFromEnvironment } from './xray-recorder';

interface ActiveSpan {
  context: TraceContext;
  span: FinishedSpan;
}

const active = new AsyncLocalStorage<ActiveSpan>();
/** undefined: not chosen yet (chosen on first use, so importing this module reads no environment). */
let installed: SpanRecorder | null | undefined;

function recorder(): SpanRecorder | null {
  if (installed === undefined) installed = xrayRecorderFromEnvironment(process.env) ?? null;
  return installed;
}

/** The local platform and tests record spans themselves; undefined goes back to the environment's choice. */
export function useSpanRecorder(next: SpanRecorder | null | undefined): void {
  installed = next;
}

/** The current span's context, if a trace is being followed here. */
export function currentTraceContext(): TraceContext | undefined {
  return active.getStore()?.context;
}

/** The current span as a W3C `traceparent`, for what this work sends on (events it writes). */
export function currentTraceparent(): string | undefined {
  const context = currentTraceContext();
  return context && formatTraceparent(context);
}

/** Adds attributes to the current span (e.g. the status a request answered); nothing when none is recorded. */
export function setSpanAttributes(attributes: SpanAttributes): void {
  const current = active.getStore();
  if (current) Object.assign(current.span.attributes, attributes);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: SpanAttributes;
  /**
   * The span this one continues from another process (an event's `traceparent`). Without it the span hangs
   * under the current one, or else starts (or joins, on Lambda) a trace of its own.
   */
  parent?: TraceContext;
}

/** Runs `work` as a span: the entry of a request or a message (it starts a trace when there is none). */
export function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  const rec = recorder();
  if (!rec) return work();
  const current = options.parent ? undefined : active.getStore();
  const parent = options.parent ?? current?.context ?? rec.ambientContext();
  return run(rec, name, options, parent, current === undefined, work);
}

/**
 * Runs `work` as a span under the current one: a database round trip, an AWS call. Outside any span (a batch's
 * own statements, start-up) it is not recorded, so that no trace starts from a fragment.
 */
export function childSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: SpanAttributes,
  work: () => Promise<T>,
): Promise<T> {
  const current = active.getStore();
  const rec = current && recorder();
  if (!current || !rec) return work();
  return run(rec, name, { kind, attributes }, current.context, false, work);
}

/**
 * Runs `work` once and records it as a span in each of the given traces (under each context): work done for
 * several traces at once, such as the outbox relay publishing a batch of events written by different requests.
 */
export async function spanInEachTrace<T>(
  name: string,
  options: Omit<SpanOptions, 'parent'>,
  parents: readonly TraceContext[],
  work: () => Promise<T>,
): Promise<T> {
  const rec = recorder();
  if (!rec || parents.length === 0) return work();
  const startTime = now();
  let error: string | undefined;
  try {
    return await work();
  } catch (thrown) {
    error = errorName(thrown);
    throw thrown;
  } finally {
    const endTime = now();
    for (const parent of parents) {
      if (!parent.sampled) continue;
      rec.record({
        traceId: parent.traceId,
        spanId: newSpanId(),
        parentSpanId: parent.spanId,
        remoteParent: true,
        name,
        kind: options.kind ?? 'internal',
        startTime,
        endTime,
        attributes: { ...options.attributes },
        ...(error ? { error } : {}),
      });
    }
  }
}

async function run<T>(
  rec: SpanRecorder,
  name: string,
  options: SpanOptions,
  parent: TraceContext | undefined,
  remoteParent: boolean,
  work: () => Promise<T>,
): Promise<T> {
  const context: TraceContext = {
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    sampled: parent?.sampled ?? true,
  };
  const span: FinishedSpan = {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parent ? { parentSpanId: parent.spanId } : {}),
    remoteParent,
    name,
    kind: options.kind ?? 'internal',
    startTime: now(),
    endTime: 0,
    attributes: { ...options.attributes },
  };
  try {
    return await active.run({ context, span }, work);
  } catch (error) {
    span.error = errorName(error);
    throw error;
  } finally {
    span.endTime = now();
    if (context.sampled) rec.record(span);
  }
}

const now = () => performance.timeOrigin + performance.now();

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
