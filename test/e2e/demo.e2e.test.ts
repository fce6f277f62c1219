/**
 * `npm run demo` against a running local platform: the simulator's payments go through the API, the fraud
 * service decides them, and the summary counts what it decided, review queue included.
 */
import type { Io } from '../../lib/ops/dlq/progress';
import { demoTransactions, paymentFor } from '../../lib/local/demo';
import { runDemoCommand } from '../../lib/local/demo-command';
import { simulate } from '../../models/simulator/simulate';
import type { Platform } from '../../lib/local/platform';
import { startTestPlatform } from '../support/platform';

let platform: Platform;
beforeAll(async () => {
  platform = await startTestPlatform();
}, 120_000);
afterAll(() => platform.stop());

function captureIo(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false };
}

it('draws the payments from the simulation, frauds of every scenario among them, in time order', () => {
  const sim = simulate({
    customers: 40,
    terminals: 200,
    days: 30,
    startDate: '2026-01-01',
    seed: 7,
    radius: 5,
  });
  const plan = demoTransactions(sim, 100, 0.2);
  expect(plan).toHaveLength(100);
  expect(plan.filter((p) => p.scenario !== 'genuine')).toHaveLength(20);
  expect(plan.map((p) => p.index)).toEqual([...plan.map((p) => p.index)].sort((a, b) => a - b));
  const request = paymentFor(sim, plan[0]!.index);
  expect(request).toMatchObject({ currency: 'EUR', paymentMethod: { type: 'card' } });
  expect(request.amount).toBe(Math.max(1, sim.amountCents[plan[0]!.index]!));
});

it('sends them through the API and sums up what the platform decided, review queue included', async () => {
  const io = captureIo();
  const code = await runDemoCommand(
    ['--url', platform.url, '--payments', '120', '--concurrency', '4'],
    { RAMPAY_DATA_DIR: platform.dataDir, RAMPAY_RUNNING_FILE: '/nonexistent/running.json' },
    io,
    60_000,
  );
  expect(io.errors.filter((e) => !e.startsWith('sending payments'))).toEqual([]);
  expect(code).toBe(0);
  const summary = io.lines.join('\n');
  expect(summary).toMatch(
    /sent 120 payments in [\d.]+ s: 120 created, 0 refused; 24 of them simulated frauds/,
  );
  const statuses = Object.fromEntries(
    [.../statuses: (.*)/.exec(summary)![1]!.matchAll(/(\w+) (\d+)/g)].map((m) => [m[1], Number(m[2])]),
  );
  expect((Object.values(statuses) as number[]).reduce((a, b) => a + b, 0)).toBe(120);
  expect(statuses.pending).toBeUndefined();
  const flagged = (statuses.held ?? 0) + (statuses.in_review ?? 0);
  expect(flagged + (statuses.failed ?? 0)).toBeGreaterThan(0);
  expect(summary).toContain(`review queue: ${flagged} open item(s)`);

  const list = await fetch(`${platform.url}/payments?limit=100`, {
    headers: {
      authorization: `Bearer ${await platform.issuer.issue({ merchantId: 'merchant_dev', scopes: ['payments:read'] })}`,
    },
  });
  const body = (await list.json()) as { data: { customer: { id: string }; terminalId: string }[] };
  expect(body.data[0]!.customer.id).toMatch(/^cus_sim_\d+$/);
  expect(body.data[0]!.terminalId).toMatch(/^term_sim_\d+$/);
}, 180_000);

it('says what to do when no platform is running', async () => {
  const io = captureIo();
  const code = await runDemoCommand([], { RAMPAY_RUNNING_FILE: '/nonexistent/running.json' }, io);
  expect(code).toBe(1);
  expect(io.errors.join('\n')).toContain('No running platform found');
});
