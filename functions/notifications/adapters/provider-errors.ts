import { NotifierError } from '../ports';
import { maskContactsIn } from '../recipients';

interface SdkError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns a provider SDK error into a NotifierError. `permanent` lists the errors about this one message (an
 * address or content the provider refuses): retrying cannot help, so they are recorded as failed. Everything
 * else is retryable: throttling and outages pass, and account-level problems (sending paused, an unverified
 * identity, a missing configuration set) affect every message, so those messages should wait in the queue (and
 * then the DLQ, for replay once fixed) rather than be written off.
 */
export function classifyProviderError(
  error: unknown,
  permanent: ReadonlySet<string>,
  provider: string,
): NotifierError {
  if (error instanceof NotifierError) return error;
  const e = (error ?? {}) as SdkError;
  const code = e.name ?? 'Error';
  const message = maskContactsIn(`${code}: ${e.message ?? String(error)}`);
  const isPermanent = permanent.has(code) && e.$fault !== 'server';
  return new NotifierError(message, !isPermanent, code, provider);
}
