/**
 * The handbook's metrics (chapter 4), computed as scikit-learn does: AUC ROC with ties counted half, average
 * precision as the step sum over distinct score thresholds, card precision top-k per day.
 */
function order(scores: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  return idx;
}

export function aucRoc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const idx = order(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] ? 1 : 0;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  // Walk from the highest score down; each negative outranks nothing of the positives seen later.
  let area = 0;
  let tp = 0;
  let i = 0;
  while (i < idx.length) {
    const s = scores[idx[i] as number] as number;
    let groupPos = 0;
    let groupNeg = 0;
    while (i < idx.length && scores[idx[i] as number] === s) {
      if (labels[idx[i] as number]) groupPos++;
      else groupNeg++;
      i++;
    }
    area += groupNeg * (tp + groupPos / 2);
    tp += groupPos;
  }
  return area / (positives * negatives);
}

export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const idx = order(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] ? 1 : 0;
  if (positives === 0) return NaN;
  let ap = 0;
  let tp = 0;
  let seen = 0;
  let i = 0;
  while (i < idx.length) {
    const s = scores[idx[i] as number] as number;
    let groupPos = 0;
    while (i < idx.length && scores[idx[i] as number] === s) {
      if (labels[idx[i] as number]) groupPos++;
      seen++;
      i++;
    }
    if (groupPos > 0) {
      tp += groupPos;
      ap += (groupPos / positives) * (tp / seen);
    }
  }
  return ap;
}

/**
 * Card precision top-k (the handbook's card_precision_top_k): for each day in order, each card's highest score
 * and whether any of its transactions that day was fraud; cards detected (fraud in the top k) on earlier days
 * are left out; the day's precision is the frauds among the top k cards over k; the result is the mean over days.
 */
export function cardPrecisionTopK(
  day: ArrayLike<number>,
  card: ArrayLike<number>,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  k = 100,
): number {
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < day.length; i++) {
    const d = day[i] as number;
    let rows = byDay.get(d);
    if (rows === undefined) byDay.set(d, (rows = []));
    rows.push(i);
  }
  const detected = new Set<number>();
  const precisions: number[] = [];
  for (const d of [...byDay.keys()].sort((a, b) => a - b)) {
    const cards = new Map<number, { score: number; fraud: number }>();
    for (const i of byDay.get(d) as number[]) {
      const c = card[i] as number;
      if (detected.has(c)) continue;
      const entry = cards.get(c);
      const s = scores[i] as number;
      const f = labels[i] ? 1 : 0;
      if (entry === undefined) cards.set(c, { score: s, fraud: f });
      else {
        entry.score = Math.max(entry.score, s);
        entry.fraud = Math.max(entry.fraud, f);
      }
    }
    const top = [...cards.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, k);
    const found = top.filter(([, v]) => v.fraud === 1).map(([c]) => c);
    found.forEach((c) => detected.add(c));
    precisions.push(found.length / k);
  }
  return precisions.length > 0 ? precisions.reduce((a, b) => a + b, 0) / precisions.length : NaN;
}

export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
