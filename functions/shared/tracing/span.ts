import type { TraceContext } from './trace-context';

export type SpanKind = 'server' | 'consumer' | 'producer' | 'client' | 'internal';
export type SpanAttributes = Record<string, string | number | boolean>;

export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The parent is in another process (a message's sender, the Lambda's own segment), or there is none. */
  remoteParent: boolean;
  name: string;
  kind: SpanKind;
  /** Epoch milliseconds, fractional. */
  startTime: number;
  endTime: number;
  attributes: SpanAttributes;
  /** The error's class name when the work threw; never its message, which may carry data. */
  error?: string;
}

/** Where finished spans go: X-Ray on Lambda, the in-process store of the local platform, a test's list. */
export interface SpanRecorder {
  /** Where a request with no trace of its own belongs (on Lambda, the invocation's trace); undefined: a new one. */
  ambientContext(): TraceContext | undefined;
  record(span: FinishedSpan): void;
}
