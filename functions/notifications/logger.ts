/**
 * The notifications service's logger: Powertools Logger with a formatter that masks every e-mail address and
 * phone number in the message and in every attribute (errors included: an SES error can quote the address), so
 * a full recipient never reaches CloudWatch even when a log call forgets to mask it.
 */
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { maskContactsIn } from './recipients';

const MAX_DEPTH = 8;

export class MaskingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: maskContactsIn(String(attributes.message ?? '')),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes(this.mask(additional, 0) as LogAttributes);
  }

  /** Masks contacts in every string reachable from `value` (errors formatted first, cycles cut by depth). */
  mask(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return maskContactsIn(value);
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
    if (value instanceof Error) return this.mask(this.formatError(value), depth + 1);
    if (value instanceof Date) return value;
    if (Array.isArray(value)) return value.map((v) => this.mask(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = this.mask(v, depth + 1);
    return out;
  }
}

export function createMaskingLogger(options: { logLevel?: string; serviceName?: string } = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'notifications',
    logFormatter: new MaskingLogFormatter(),
    ...(options.logLevel ? { logLevel: options.logLevel as 'INFO' } : {}),
  });
}

/** The process's notifications logger: the consumer runtime's records log through it, masked. */
export const notificationsLogger = createMaskingLogger();
