import type { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';

/** The logger a consumer's handler gets: every line carries its record's keys. A Powertools Logger is one. */
export type RecordLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Logs through `parent` with `keys` added to every line. Not a Powertools child logger: `createChild` builds a
 * whole Logger (its own Console, options and environment reads) for each record, about 25 kB and 0.25 ms per
 * record on the fraud consumer's hot path, and most of what its young-generation collections had to copy.
 */
export function recordLogger(parent: Logger, keys: LogAttributes): RecordLogger {
  // Powertools merges every extra input into the line (an Error under `error`, a string under `extra`).
  const withKeys = (extra: LogItemExtraInput) => [keys, ...extra] as LogAttributes[];
  return {
    debug: (input: LogItemMessage, ...extra: LogItemExtraInput) => parent.debug(input, ...withKeys(extra)),
    info: (input: LogItemMessage, ...extra: LogItemExtraInput) => parent.info(input, ...withKeys(extra)),
    warn: (input: LogItemMessage, ...extra: LogItemExtraInput) => parent.warn(input, ...withKeys(extra)),
    error: (input: LogItemMessage, ...extra: LogItemExtraInput) => parent.error(input, ...withKeys(extra)),
  };
}
