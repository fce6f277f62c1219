/**
 * What a fraud assessment does with a payment: approve it; approve it and open a review; hold it until a reviewer
 * decides; or decline it. Payments shows it on a payment's assessment; fraud decides it.
 */
export const FRAUD_ACTIONS = ['approve', 'review', 'hold', 'decline'] as const;
export type FraudAction = (typeof FRAUD_ACTIONS)[number];
