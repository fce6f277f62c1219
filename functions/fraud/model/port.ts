import type { ModelMetadata } from './metadata';

/** The fraud model as the fraud consumer sees it: feature rows in, fraud probabilities out. */
export interface FraudModel {
  readonly version: string;
  readonly metadata: ModelMetadata;
  /** One probability per row; each row holds the features in FEATURE_NAMES order (functions/fraud/features). */
  score(rows: readonly ArrayLike<number>[]): Promise<Float64Array>;
  /** The same for `count` rows packed row-major in one array (bulk scoring, evaluation). */
  scorePacked(values: ArrayLike<number>, count: number): Promise<Float64Array>;
}
