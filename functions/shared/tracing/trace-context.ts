/**
 * A span's place in a trace, and its two spellings on the wire: W3C Trace Context (`traceparent`, carried in the
 * event envelope and as a message attribute) and the X-Ray trace header (`X-Amzn-Trace-Id` on AWS calls,
 * `AWSTraceHeader` on SQS messages, `_X_AMZN_TRACE_ID` in a Lambda's environment). X-Ray's trace id
 * `1-<8 hex epoch seconds>-<24 hex>` is the W3C trace id with a dash after its first 8 digits, and both carry a
 * 16-digit parent span id, so the two convert into each other losslessly.
 */
import { randomBytes } from 'node:crypto';
import { TRACEPARENT_PATTERN } from '../../domain/traceparent';

export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero: the span the next one hangs under. */
  spanId: string;
  sampled: boolean;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The context a `traceparent` names, or undefined for anything that is not a valid version-00 value. */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const match = value === undefined ? null : TRACEPARENT_PATTERN.exec(value);
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;
}

/** X-Ray's spelling of a trace id: `1-5759e988-bd862e3fe1be46a994272793`. */
export function xrayTraceId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

/** `Root=1-...;Parent=...;Sampled=1`, as X-Amzn-Trace-Id and AWSTraceHeader carry it. */
export function formatXRayHeader(context: TraceContext): string {
  return `Root=${xrayTraceId(context.traceId)};Parent=${context.spanId};Sampled=${context.sampled ? 1 : 0}`;
}

/**
 * The context of an X-Ray trace header. A header without a Parent (a Lambda facade's before its first segment)
 * has no span to hang under and gives undefined; so does anything malformed.
 */
export function parseXRayHeader(value: string | undefined): TraceContext | undefined {
  if (!value || value.length > 512) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(fields.get('Root') ?? '');
  const parent = fields.get('Parent') ?? '';
  if (!root || !/^[0-9a-f]{16}$/.test(parent)) return undefined;
  const traceId = `${root[1]}${root[2]}`;
  if (traceId === ZERO_TRACE || parent === ZERO_SPAN) return undefined;
  return { traceId, spanId: parent, sampled: fields.get('Sampled') === '1' };
}

/** A new trace id X-Ray accepts: its first 8 digits are the current time in epoch seconds. */
export function newTraceId(now = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${randomBytes(12).toString('hex')}`;
}

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}
