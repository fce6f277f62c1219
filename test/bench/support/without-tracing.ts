/**
 * The tracing port with nothing behind it, for the bundles benchmark's "before" bundles: every function is also
 * bundled with this in place of functions/shared/tracing (the trace context's parsing stays), so that one run
 * measures what tracing adds to each function's size and cold start.
 */
import type { SpanRecorder } from '../../../functions/shared/tracing/span';
export * from '../../../functions/shared/tracing/trace-context';
export type * from '../../../functions/shared/tracing/span';

const run = <T>(...args: unknown[]): Promise<T> => (args.at(-1) as () => Promise<T>)();
export const inSpan = run;
export const childSpan = run;
export const spanInEachTrace = run;
export const currentTraceContext = () => undefined;
export const currentTraceparent = () => undefined;
export const setSpanAttributes = (_attributes: unknown) => undefined;
export const useSpanRecorder = (_recorder: SpanRecorder | null | undefined) => undefined;
export const tracedClient = <C>(client: C): C => client;
export const tracedSql = <S>(sql: S): S => sql;
export const statementName = (text: string) => ({ name: text, operation: text });
