/**
 * One line per request the local platform answers: method, path (without the query, which can name a customer),
 * status, milliseconds and correlation id; as API Gateway's access log, whatever the handlers' log level.
 */
import type { Server } from 'node:http';

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  correlationId: string;
}

/** Calls `onEntry` once each response has been sent. */
export function watchRequests(server: Server, onEntry: (entry: AccessEntry) => void): void {
  server.on('request', (req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const id = res.getHeader('x-correlation-id');
      onEntry({
        method: req.method ?? '-',
        path: new URL(req.url ?? '/', 'http://localhost').pathname,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        correlationId: typeof id === 'string' ? id : '-',
      });
    });
  });
}

/** `POST /payments 201 14 ms 3b0c...` for a terminal, a JSON object for anything that reads the output. */
export function formatAccessEntry(entry: AccessEntry, readable: boolean): string {
  const ms = entry.ms < 10 ? entry.ms.toFixed(1) : String(Math.round(entry.ms));
  if (readable) return `${entry.method} ${entry.path} ${entry.status} ${ms} ms ${entry.correlationId}`;
  return JSON.stringify({
    level: 'INFO',
    message: 'request',
    timestamp: new Date().toISOString(),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    ms: Number(ms),
    correlationId: entry.correlationId,
  });
}
