/**
 * `npm run demo`: realistic traffic through the API of a running local platform. The payments are the fraud
 * simulator's transactions (its customers, terminals, amounts and three fraud scenarios), sent by a few callers at
 * once; fraud cases are sent more often than their natural 1% so that the review queue and the charts fill within
 * a minute. A progress bar (periodic lines when not on a terminal), then a summary of what the platform decided.
 */
import { randomUUID } from 'node:crypto';
import { simulate, type Simulation } from '../../models/simulator/simulate';
import { startProgress, type Io } from '../ops/dlq/progress';

export interface DemoOptions {
  url: string;
  token: string;
  /** payments to send */
  payments: number;
  /** callers sending at once */
  concurrency: number;
  /** share of the payments drawn from the simulation's frauds */
  fraudShare: number;
  /** how long to wait for the fraud decisions after the last payment, ms */
  settleMs: number;
  seed: number;
}

export const DEMO_DEFAULTS = {
  payments: 300,
  concurrency: 8,
  fraudShare: 0.2,
  settleMs: 20_000,
  seed: 7,
} as const;

export interface DemoSummary {
  sent: number;
  created: number;
  refused: number;
  /** simulated frauds among the payments sent */
  simulatedFrauds: number;
  /** payments by status once the fraud service has decided (or the wait ran out) */
  statuses: Record<string, number>;
  /** open items in the review queue (the first 100) */
  reviewQueue: number;
  reviewQueueMore?: boolean;
  seconds: number;
}

const SCENARIOS = ['genuine', 'amount over 220', 'compromised terminal', 'compromised customer'];

/** The simulated transactions to send, in time order: mostly genuine, `fraudShare` of them frauds. */
export function demoTransactions(
  sim: Simulation,
  count: number,
  fraudShare: number,
): { index: number; scenario: string }[] {
  const frauds: number[] = [];
  const genuine: number[] = [];
  for (let i = 0; i < sim.count; i++) (sim.fraud[i] ? frauds : genuine).push(i);
  const fraudCount = Math.min(frauds.length, Math.round(count * fraudShare));
  const pick = (from: number[], n: number) =>
    Array.from({ length: n }, (_, k) => from[Math.floor((k * from.length) / Math.max(n, 1))]!);
  return [...pick(frauds, fraudCount), ...pick(genuine, count - fraudCount)]
    .sort((a, b) => a - b)
    .map((index) => ({ index, scenario: SCENARIOS[sim.scenario[index] ?? 0]! }));
}

/** The API request for one simulated transaction (EUR; the simulator's amounts are in cents). */
export function paymentFor(sim: Simulation, index: number): Record<string, unknown> {
  const customer = sim.customer[index]!;
  const terminal = sim.terminal[index]!;
  const last4 = String(1000 + (customer % 9000));
  return {
    amount: Math.max(1, sim.amountCents[index]!),
    currency: 'EUR',
    customer: { id: `cus_sim_${customer}`, email: `customer${customer}@example.com`, country: 'FR' },
    paymentMethod: { type: 'card', fingerprint: `fp_sim_${customer}_card`, last4, brand: 'visa' },
    terminalId: `term_sim_${terminal}`,
    description: `Demo order ${index}`,
  };
}

export async function runDemo(options: DemoOptions, io: Io): Promise<DemoSummary> {
  const started = Date.now();
  const sim = simulate({
    // Few customers, so that each card has a history within the run for the model to compare with.
    customers: 40,
    terminals: 200,
    days: 30,
    startDate: '2026-01-01',
    seed: options.seed,
    radius: 5,
  });
  const plan = demoTransactions(sim, options.payments, options.fraudShare);
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const summary: DemoSummary = {
    sent: 0,
    created: 0,
    refused: 0,
    simulatedFrauds: plan.filter((p) => p.scenario !== 'genuine').length,
    statuses: {},
    reviewQueue: 0,
    seconds: 0,
  };
  const ids: string[] = [];
  const progress = startProgress(io, 'sending payments', plan.length);
  let next = 0;
  const caller = async () => {
    while (next < plan.length) {
      const { index } = plan[next++]!;
      const response = await fetch(`${options.url}/payments`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': randomUUID() },
        body: JSON.stringify(paymentFor(sim, index)),
      });
      summary.sent++;
      if (response.status === 201) {
        summary.created++;
        ids.push(((await response.json()) as { id: string }).id);
      } else {
        summary.refused++;
        if (summary.refused === 1) io.err(`refused: ${response.status} ${await response.text()}`);
      }
      progress.update(summary.sent);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, caller));
  } finally {
    progress.stop();
  }

  // The fraud service decides each payment from its queue; wait until none is pending (or the wait runs out).
  const deadline = Date.now() + options.settleMs;
  for (;;) {
    summary.statuses = await statusesOf(options.url, headers, new Set(ids));
    if (!summary.statuses.pending || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const reviews = await fetch(`${options.url}/reviews?limit=100`, { headers });
  if (reviews.ok) {
    const page = (await reviews.json()) as { data: unknown[]; hasMore?: boolean };
    summary.reviewQueue = page.data.length;
    summary.reviewQueueMore = Boolean(page.hasMore);
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

/** The status of each of `ids`, counted, from the payments list (newest first, 100 a page). */
async function statusesOf(
  url: string,
  headers: Record<string, string>,
  ids: Set<string>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let seen = 0;
  let after: string | undefined;
  while (seen < ids.size) {
    const page = await fetch(`${url}/payments?limit=100${after ? `&starting_after=${after}` : ''}`, {
      headers,
    });
    if (!page.ok) break;
    const body = (await page.json()) as { data: { id: string; status: string }[]; hasMore: boolean };
    for (const payment of body.data) {
      if (!ids.has(payment.id)) continue;
      seen++;
      counts[payment.status] = (counts[payment.status] ?? 0) + 1;
    }
    if (!body.hasMore || body.data.length === 0) break;
    after = body.data.at(-1)!.id;
  }
  return counts;
}

export function formatSummary(summary: DemoSummary, url: string): string[] {
  const statuses = Object.entries(summary.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  return [
    `sent ${summary.sent} payments in ${summary.seconds} s: ${summary.created} created, ${summary.refused} refused; ` +
      `${summary.simulatedFrauds} of them simulated frauds`,
    `statuses: ${statuses || 'none'}`,
    `review queue: ${summary.reviewQueue}${summary.reviewQueueMore ? '+' : ''} open item(s) (GET ${url}/reviews, or the dashboard at ${url}/)`,
  ];
}
