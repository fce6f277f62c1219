/**
 * W3C Trace Context, version 00: `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`, lowercase. The
 * event envelope carries one (event-schemas.ts); functions/shared/tracing reads and writes them.
 */
export const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
