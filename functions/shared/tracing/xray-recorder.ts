/**
 * The recorder on Lambda: each finished span goes as an X-Ray segment document, over UDP, to the X-Ray daemon
 * that Lambda runs beside every function with active tracing (AWS_XRAY_DAEMON_ADDRESS). A request's spans are
 * subsegments of the invocation's own segment (its id is the Parent of _X_AMZN_TRACE_ID); a consumer's record,
 * which continues the trace of the request that wrote its event, is a segment of that trace. The daemon batches
 * and uploads them; sending is a datagram, so recording never waits for the network.
 * Chosen over the Powertools tracer and the OpenTelemetry SDK on cold start and bundle size: docs/adr/0005.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { FinishedSpan, SpanRecorder } from './span';
import { parseXRayHeader, xrayTraceId, type TraceContext } from './trace-context';

const DAEMON_HEADER = '{"format":"json","version":1}\n';

export interface XRayDocument {
  name: string;
  id: string;
  trace_id: string;
  parent_id?: string;
  start_time: number;
  end_time: number;
  type?: 'subsegment';
  origin?: string;
  namespace?: 'aws' | 'remote';
  fault?: boolean;
  aws?: { operation?: string; region?: string };
  annotations?: Record<string, string | number | boolean>;
  metadata?: { rampay: { span: string; kind: string } };
}

/** The segment document X-Ray stores for a span (exported for tests). */
export function xrayDocument(span: FinishedSpan, functionName: string): XRayDocument {
  // A record continues a trace from another process: it is this function's segment in that trace.
  const segment = span.kind === 'consumer' && span.remoteParent;
  const service = span.attributes['aws.service'];
  const annotations: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(span.attributes)) annotations[key.replace(/[^\w]/g, '_')] = value;
  return {
    name: xrayName(segment ? functionName : typeof service === 'string' ? service : span.name),
    id: span.spanId,
    trace_id: xrayTraceId(span.traceId),
    ...(span.parentSpanId ? { parent_id: span.parentSpanId } : {}),
    start_time: span.startTime / 1000,
    end_time: span.endTime / 1000,
    ...(segment ? { origin: 'AWS::Lambda::Function' } : { type: 'subsegment' as const }),
    ...(span.kind === 'client' ? { namespace: typeof service === 'string' ? 'aws' : 'remote' } : {}),
    ...(typeof service === 'string'
      ? { aws: { operation: String(span.attributes['aws.operation']), region: process.env.AWS_REGION } }
      : {}),
    ...(span.error ? { fault: true } : {}),
    annotations,
    metadata: { rampay: { span: span.name, kind: span.kind } },
  };
}

/** X-Ray names: at most 200 of letters, digits, white space and _ . : / % & # = + \ - @ */
function xrayName(name: string): string {
  return name.replace(/[^\p{L}\p{N}\s_.:/%&#=+\\\-@]/gu, '_').slice(0, 200);
}

export class XRayRecorder implements SpanRecorder {
  private socket: Socket | undefined;

  constructor(
    private readonly daemon: { host: string; port: number },
    private readonly functionName: string,
  ) {}

  /** The invocation's segment, which Lambda creates and names in _X_AMZN_TRACE_ID for each invocation. */
  ambientContext(): TraceContext | undefined {
    return parseXRayHeader(process.env._X_AMZN_TRACE_ID);
  }

  record(span: FinishedSpan): void {
    this.socket ??= createSocket('udp4').unref();
    const message = Buffer.from(DAEMON_HEADER + JSON.stringify(xrayDocument(span, this.functionName)));
    this.socket.send(message, this.daemon.port, this.daemon.host, () => undefined);
  }
}

/** The X-Ray recorder on a Lambda function with tracing active; undefined anywhere else. */
export function xrayRecorderFromEnvironment(env: NodeJS.ProcessEnv): XRayRecorder | undefined {
  const address = env.AWS_XRAY_DAEMON_ADDRESS;
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  if (!address || !functionName) return undefined;
  // "169.254.79.129:2000", or the TCP and UDP addresses: "tcp:127.0.0.1:2000 udp:127.0.0.1:2000"
  const udp = /(?:^|\s)(?:udp:)?([\d.]+):(\d+)(?:\s|$)/.exec(address.replace(/tcp:\S+/, ''));
  if (!udp) return undefined;
  return new XRayRecorder({ host: udp[1]!, port: Number(udp[2]) }, functionName);
}
