import { parseCommand, UsageError } from '../../../../lib/ops/dlq/args';
import { runDlqCli } from '../../../../lib/ops/dlq/cli';
import { captureIo } from './io';

describe('dlq arguments', () => {
  it('parses each command with its options', () => {
    expect(parseCommand(['list'], {})).toEqual({
      name: 'list',
      target: { local: false, localUrl: 'http://127.0.0.1:3000', env: 'dev', region: undefined },
    });
    expect(parseCommand(['peek', 'fraud', '--max', '5', '--env', 'prod'], {})).toMatchObject({
      name: 'peek',
      queue: 'fraud',
      max: 5,
      target: { env: 'prod', local: false },
    });
    expect(
      parseCommand(['replay', 'analytics', '--type', 'PaymentCreated', '--dry-run', '--local'], {}),
    ).toMatchObject({
      name: 'replay',
      queue: 'analytics',
      type: 'PaymentCreated',
      dryRun: true,
      detach: false,
      max: undefined,
      target: { local: true },
    });
    expect(
      parseCommand(['status', '--local-url', 'http://localhost:4000'], { RAMPAY_ENV: 'staging' }),
    ).toMatchObject({
      target: { local: true, localUrl: 'http://localhost:4000', env: 'staging' },
    });
  });

  it.each([
    [[], /a command is required/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['peek'], /peek needs a <queue>/],
    [['peek', 'fraud', '--max', '0'], /--max must be a whole number/],
    [['peek', 'fraud', '--max', 'ten'], /--max must be a whole number/],
    [['replay', 'fraud', '--max', '-3'], /--max/],
    [['replay', 'fraud', '--type', 'PaymentTeleported'], /--type must be an event type/],
    [['list', '--type', 'PaymentCreated'], /--type applies to replay only/],
    [['list', 'extra'], /unexpected argument "extra"/],
    [['list', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });

  it('prints the message and the usage (no stack trace) and exits 2 on bad arguments', async () => {
    const io = captureIo();
    const code = await runDlqCli(['peek', 'fraud', '--max', 'lots'], {
      io,
      resolve: () => Promise.reject(new Error('unreached')),
    });
    expect(code).toBe(2);
    expect(io.errors[0]).toBe('error: --max must be a whole number from 1 to 1000 (got "lots")');
    expect(io.text()).toContain('Usage: npm run dlq -- <command>');
    expect(io.text()).not.toMatch(/\n\s+at /);
  });

  it('prints help and exits 0', async () => {
    const io = captureIo();
    expect(await runDlqCli(['--help'], { io })).toBe(0);
    expect(io.lines[0]).toMatch(/^Usage/);
  });
});
