/** `npm start`'s checks of PORT, before anything starts: each refusal is one sentence. */
import net from 'node:net';

/** A reason not to start, in one sentence for the user (no stack trace). */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefused';
  }
}

/** PORT as a number, or why it is not one. */
export function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new StartRefused(
      `PORT must be a whole number from 0 to 65535 (0 picks a free port); it is "${value}".`,
    );
  }
  return Number(value);
}

/** Fails at once, before the database starts, if the port cannot be listened on at 127.0.0.1. */
export async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(listenRefusal(port, error)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** The sentence for a port the platform cannot listen on. */
export function listenRefusal(port: number, error: NodeJS.ErrnoException): Error {
  if (error.code === 'EADDRINUSE') {
    return new StartRefused(
      `Port ${port} on 127.0.0.1 is already in use (another RamPay?): stop that process, or start on another port with PORT=${port + 1} npm start.`,
    );
  }
  if (error.code === 'EACCES') {
    return new StartRefused(
      `Port ${port} needs privileges this user does not have: use a port above 1023, e.g. PORT=3000 npm start.`,
    );
  }
  return error;
}
