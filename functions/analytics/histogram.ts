/**
 * Decision latency as a mergeable histogram with fixed log-scale buckets (the idea behind HdrHistogram and
 * DDSketch): bucket i >= 1 holds latencies in [2^((i-1)/8), 2^(i/8)) ms, bucket 0 holds latencies under 1 ms.
 * Histograms of any minutes add up bucket by bucket, so percentiles over any range come from the rollups alone.
 * A percentile is reported as its bucket's geometric midpoint: within 2^(1/16) - 1 (4.4 %) of the exact value.
 */
export const BUCKETS_PER_DOUBLING = 8;
/** 1 + 8 * log2(one week in ms): anything slower lands in the last bucket. */
export const LAST_BUCKET = 1 + Math.ceil(BUCKETS_PER_DOUBLING * Math.log2(7 * 24 * 3600 * 1000));
/** The worst relative error of a percentile read from the histogram. */
export const RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

export function bucketOf(latencyMs: number): number {
  if (!(latencyMs >= 1)) return 0;
  return Math.min(LAST_BUCKET, 1 + Math.floor(BUCKETS_PER_DOUBLING * Math.log2(latencyMs)));
}

/** [lower, upper) in ms of bucket i. */
export function bucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1];
  return [2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING), 2 ** (bucket / BUCKETS_PER_DOUBLING)];
}

/** The value a bucket stands for: its geometric midpoint (0 for the sub-millisecond bucket). */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING);
}

/** Bucket index -> count; counts of the same bucket from different periods are simply added. */
export type Histogram = ReadonlyMap<number, number>;

export function mergeHistograms(histograms: Iterable<Histogram>): Map<number, number> {
  const merged = new Map<number, number>();
  for (const h of histograms) for (const [b, n] of h) merged.set(b, (merged.get(b) ?? 0) + n);
  return merged;
}

/**
 * The nearest-rank p-quantile (0 < p <= 1): the value of the bucket holding the ceil(p * n)-th smallest latency.
 * Undefined for an empty histogram.
 */
export function quantile(histogram: Histogram, p: number): number | undefined {
  const entries = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of entries) {
    seen += n;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(entries[entries.length - 1]![0]);
}
