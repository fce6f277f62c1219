import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { formatAccessEntry } from '../../../lib/local/access-log';
import { checkPortFree, parsePort, StartRefused } from '../../../lib/local/port-check';
import { readableLogLine } from '../../../lib/local/readable-logs';
import { progressPrinter, tryCommands } from '../../../lib/local/start-command';

describe('PORT', () => {
  it('takes 0 to 65535 and defaults to 3000', () => {
    expect(parsePort(undefined)).toBe(3000);
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['abc', '-1', '65536', '3000.5', ' 3000', '1e3'])('refuses %p in one sentence', (value) => {
    expect(() => parsePort(value)).toThrow(StartRefused);
    expect(() => parsePort(value)).toThrow(
      `PORT must be a whole number from 0 to 65535 (0 picks a free port); it is "${value}".`,
    );
  });

  it('refuses a port in use at once, saying what to do', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const started = Date.now();
      await expect(checkPortFree(port)).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use (another RamPay?): stop that process, or start on another port with PORT=${port + 1} npm start.`,
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      busy.close();
    }
    await expect(checkPortFree(port)).resolves.toBeUndefined();
  });
});

describe('terminal output', () => {
  it('prints one access line per request: method, path, status, ms and correlation id', () => {
    const entry = { method: 'POST', path: '/payments', status: 201, ms: 14.4, correlationId: 'c-1' };
    expect(formatAccessEntry(entry, true)).toBe('POST /payments 201 14 ms c-1');
    expect(formatAccessEntry({ ...entry, ms: 3.25 }, true)).toBe('POST /payments 201 3.3 ms c-1');
    expect(JSON.parse(formatAccessEntry(entry, false))).toMatchObject({
      level: 'INFO',
      message: 'request',
      method: 'POST',
      path: '/payments',
      status: 201,
      ms: 14,
      correlationId: 'c-1',
    });
  });

  it('shows Powertools JSON lines readably and leaves other lines alone', () => {
    const json = JSON.stringify({
      level: 'WARN',
      message: 'local outbox relay failed',
      timestamp: '2026-12-07T02:10:41.123Z',
      service: 'rampay',
      sampling_rate: 0,
      errorName: 'Error',
      thresholds: { review: 20 },
    });
    expect(readableLogLine(json)).toBe(
      '02:10:41 WARN  local outbox relay failed errorName=Error thresholds={"review":20}',
    );
    expect(readableLogLine('RamPay listening on http://127.0.0.1:3000')).toBeUndefined();
    expect(readableLogLine('{"level": not json')).toBeUndefined();
  });

  it('shows each start-up step when done, with what it did and its time', () => {
    const lines: string[] = [];
    const print = progressPrinter({ readable: false, line: (l) => lines.push(l) });
    print({ step: 'migrations', label: 'migrations', phase: 'start' });
    print({ step: 'migrations', label: 'migrations', phase: 'done', detail: '11 applied', ms: 640 });
    expect(lines).toEqual(['  ok  migrations: 11 applied (0.6 s)']);
  });

  it('prints try commands without uuidgen or an unset $TOKEN', () => {
    const [exportLine, create] = tryCommands('http://127.0.0.1:3000', 'eyJ.a.b');
    expect(exportLine).toBe('export TOKEN=eyJ.a.b');
    expect(create).not.toContain('uuidgen');
    expect(create).toContain(`-H "Idempotency-Key: $(node -p 'crypto.randomUUID()')"`);
  });
});
