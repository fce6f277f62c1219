/**
 * What an unexpected error may put in a log line: its class, its SQLSTATE when the database raised it, and where
 * in the code it was thrown. Never its message: a database error's message, `where`, `query` and parameters, like
 * many others', can carry the statement text and the request's data (e-mail addresses, descriptions).
 */
export type ErrorFacts = {
  errorClass: string;
  sqlState?: string;
  at?: string[];
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

export function errorFacts(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { errorClass: typeof error };
  const code = (error as { code?: unknown }).code;
  const facts: ErrorFacts = { errorClass: error.constructor?.name || error.name || 'Error' };
  if (typeof code === 'string' && SQLSTATE.test(code)) facts.sqlState = code;
  // Stack frames only: the first line of a stack repeats the message.
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim());
  if (frames.length > 0) facts.at = frames;
  return facts;
}
