/**
 * A span for each AWS call a client makes ("SNS PublishBatch"), under the current span, and the X-Ray trace
 * header on its request, so that SNS (with tracing active) hands the trace on to SQS as each message's
 * AWSTraceHeader. Parameters and bodies are not recorded: the service, the operation and the outcome only.
 */
import { childSpan, currentTraceContext } from './tracer';
import { formatXRayHeader } from './trace-context';

interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}
type Next = (args: { request: unknown }) => Promise<unknown>;

/** What an SDK v3 client offers for this (every @aws-sdk client has it; its own types are per client). */
export interface InstrumentableClient {
  middlewareStack: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    add(middleware: (next: any, context: any) => any, options: { step: 'build'; name: string }): void;
  };
}

/** Adds the tracing middleware to `client` (once) and returns it. */
export function tracedClient<C extends InstrumentableClient>(client: C): C {
  client.middlewareStack.add(
    (next: Next, context: MiddlewareContext) => async (args: { request: unknown }) => {
      if (!currentTraceContext()) return next(args);
      const service = (context.clientName ?? 'AWS').replace(/Client$/, '').replace(/^SESv2$/, 'SES');
      const operation = (context.commandName ?? 'Command').replace(/Command$/, '');
      return childSpan(
        `${service} ${operation}`,
        'client',
        { 'aws.service': service, 'aws.operation': operation },
        () => {
          const request = args.request as { headers?: Record<string, string> };
          const inner = currentTraceContext();
          if (inner && request.headers) request.headers['X-Amzn-Trace-Id'] = formatXRayHeader(inner);
          return next(args);
        },
      );
    },

    { step: 'build', name: 'rampayTracing' },
  );
  return client;
}
