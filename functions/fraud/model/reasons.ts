import { FEATURE_NAMES, namedFeatures, type FeatureName } from '../features';

/**
 * Why a payment looks risky, in words a reviewer understands, computed from its features alone (so the same
 * reasons come out of an assessment stored months ago). Each rule that fires gets a strength; the strongest
 * come first. These explain the inputs the model saw; they are not the model's own attribution.
 */
export interface Reason {
  readonly code:
    | 'amount_vs_card_average'
    | 'new_card'
    | 'card_velocity'
    | 'terminal_fraud_run'
    | 'terminal_frauds'
    | 'night';
  readonly text: string;
  readonly strength: number;
}

function money(major: number): string {
  return major.toFixed(2);
}

function times(ratio: number): string {
  return ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1).replace(/\.0$/, '');
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function reasonsFor(values: ArrayLike<number>): Reason[] {
  if (values.length < FEATURE_NAMES.length) throw new Error('reasons need the full feature row');
  const f: Record<FeatureName, number> = namedFeatures(values);
  const reasons: Reason[] = [];

  const n30 = f.card_tx_count_30d;
  if (n30 > 1) {
    const earlierAverage = (f.card_avg_amount_30d * n30 - f.amount) / (n30 - 1);
    const ratio = f.amount_to_card_avg_30d;
    if (ratio >= 2.5) {
      reasons.push({
        code: 'amount_vs_card_average',
        text: `amount ${money(f.amount)} is ${times(ratio)}x this card's 30-day average (${money(earlierAverage)})`,
        strength: ratio,
      });
    }
  } else {
    reasons.push({ code: 'new_card', text: 'first payment seen from this card in 30 days', strength: 1.5 });
  }

  const perDay = (n30 - f.card_tx_count_1d) / 29;
  if (f.card_tx_count_1d >= 4 && f.card_tx_count_1d >= 3 * Math.max(perDay, 0.5)) {
    reasons.push({
      code: 'card_velocity',
      text: `${plural(f.card_tx_count_1d, 'payment', 'payments')} from this card in the last 24 hours, against ${perDay.toFixed(1)} a day over the last 30 days`,
      strength: f.card_tx_count_1d / Math.max(perDay, 0.5),
    });
  }

  const run = f.terminal_fraud_run;
  if (run >= 2) {
    const days = Math.floor(f.terminal_fraud_run_hours / 24);
    reasons.push({
      code: 'terminal_fraud_run',
      text: `terminal's last ${plural(run, 'payment', 'payments')} at least 7 days old, from ${plural(days, 'day', 'days')} ago on, were all confirmed fraud`,
      strength: 25 + Math.min(run, 10) / 2,
    });
  }

  const windows: [number, number, string][] = [
    [f.terminal_tx_count_7d, f.terminal_risk_7d, '7 to 14 days ago'],
    [f.terminal_tx_count_30d, f.terminal_risk_30d, '7 to 37 days ago'],
  ];
  for (const [count, risk, when] of windows) {
    const frauds = Math.round(risk * count);
    if (frauds > 0) {
      reasons.push({
        code: 'terminal_frauds',
        text: `terminal had ${plural(frauds, 'confirmed fraud', 'confirmed frauds')} among its ${plural(count, 'payment', 'payments')} ${when} (${(100 * risk).toFixed(0)}%)`,
        strength: 2 + 20 * risk + Math.min(frauds, 10) / 2,
      });
      break;
    }
  }

  if (f.night === 1) {
    reasons.push({ code: 'night', text: 'paid at night (00:00 to 06:59 UTC)', strength: 0.5 });
  }
  return reasons.sort((a, b) => b.strength - a.strength);
}

/** The strongest `limit` reasons' texts. */
export function topReasons(values: ArrayLike<number>, limit = 3): string[] {
  return reasonsFor(values)
    .slice(0, limit)
    .map((r) => r.text);
}
