/**
 * Thresholds from cost: given what a missed fraud (per reference unit of its amount), a review and a false decline
 * cost, and how many items reviewers can open a day, the review / hold / decline thresholds with the lowest
 * expected cost a day on held-out payments. A payment below `review` is approved (a fraud there is missed); from
 * `review` it goes through and a reviewer looks at it, from `hold` it waits for one (both cost a review, and a
 * reviewer stops the fraud); from `decline` it fails (a genuine one costs a false decline). Thresholds rise
 * strictly (review < hold < decline <= 99), as the environment config requires.
 */
export interface Costs {
  /** per reference unit of a missed fraud's amount (1 = the amount itself is lost) */
  missedFraudPerUnit: number;
  review: number;
  falseDecline: number;
}

export interface HeldOutScores {
  /** risk score 0-99 per payment */
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** reference amounts (the model's amount feature) */
  amounts: ArrayLike<number>;
  /** distinct days the payments span */
  days: number;
}

export interface Recommendation {
  review: number;
  hold: number;
  decline: number;
  /** expected cost a day and its parts, at `dailyPayments` */
  costPerDay: number;
  missedFraudPerDay: number;
  reviewsPerDay: number;
  falseDeclinesPerDay: number;
  fraudsCaughtShare: number;
}

const SCORES = 100;

/** The trade-off table's review capacities, as multiples of the given one. */
export const CAPACITY_STEPS = [0.5, 0.75, 1, 1.5, 2] as const;

export function recommendThresholds(
  data: HeldOutScores,
  costs: Costs,
  reviewCapacityPerDay: number,
  dailyPayments = data.scores.length / data.days,
): { best: Recommendation; table: Recommendation[] } {
  const genuine = new Float64Array(SCORES + 1);
  const frauds = new Float64Array(SCORES + 1);
  const fraudAmount = new Float64Array(SCORES + 1);
  for (let i = 0; i < data.scores.length; i++) {
    const s = data.scores[i] as number;
    if (data.labels[i] === 1) {
      frauds[s]! += 1;
      fraudAmount[s]! += data.amounts[i] as number;
    } else genuine[s]! += 1;
  }
  // below[s]: sum over scores < s
  const below = (a: Float64Array) => {
    const out = new Float64Array(SCORES + 1);
    for (let s = 1; s <= SCORES; s++) out[s] = out[s - 1]! + a[s - 1]!;
    return out;
  };
  const g = below(genuine);
  const f = below(frauds);
  const fa = below(fraudAmount);
  const total = data.scores.length;
  const allFrauds = f[SCORES]!;
  const scale = dailyPayments / total;
  const evaluate = (review: number, hold: number, decline: number): Recommendation => {
    const missedFraud = fa[review]! * costs.missedFraudPerUnit * scale;
    const reviews = (g[decline]! - g[review]! + f[decline]! - f[review]!) * scale;
    const falseDeclines = (g[SCORES]! - g[decline]!) * scale;
    return {
      review,
      hold,
      decline,
      costPerDay: missedFraud + reviews * costs.review + falseDeclines * costs.falseDecline,
      missedFraudPerDay: missedFraud,
      reviewsPerDay: reviews,
      falseDeclinesPerDay: falseDeclines,
      fraudsCaughtShare: allFrauds > 0 ? 1 - f[review]! / allFrauds : 0,
    };
  };
  let best: Recommendation | undefined;
  for (let review = 0; review <= 97; review++) {
    for (let decline = review + 2; decline <= 99; decline++) {
      // the hold threshold moves payments between two bands that cost the same here; keep it midway
      const candidate = evaluate(review, Math.floor((review + decline) / 2), decline);
      if (candidate.reviewsPerDay > reviewCapacityPerDay) continue;
      if (!best || candidate.costPerDay < best.costPerDay) best = candidate;
    }
  }
  if (!best) throw new Error(`no thresholds keep reviews within ${reviewCapacityPerDay} a day`);
  const table = CAPACITY_STEPS.map((k) => {
    let pick: Recommendation | undefined;
    for (let review = 0; review <= 97; review++) {
      for (let decline = review + 2; decline <= 99; decline++) {
        const c = evaluate(review, Math.floor((review + decline) / 2), decline);
        if (c.reviewsPerDay > reviewCapacityPerDay * k) continue;
        if (!pick || c.costPerDay < pick.costPerDay) pick = c;
      }
    }
    return pick!;
  });
  return { best, table };
}
