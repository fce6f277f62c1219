export {
  childSpan,
  currentTraceContext,
  currentTraceparent,
  inSpan,
  setSpanAttributes,
  spanInEachTrace,
  useSpanRecorder,
  type SpanOptions,
} from './tracer';
export type { FinishedSpan, SpanAttributes, SpanKind, SpanRecorder } from './span';
export {
  formatTraceparent,
  formatXRayHeader,
  parseTraceparent,
  parseXRayHeader,
  type TraceContext,
} from './trace-context';
export { tracedClient } from './aws-client';
export { tracedSql } from './database';
