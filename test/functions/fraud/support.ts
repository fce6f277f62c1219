import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse } from 'aws-lambda';
import type { EventEnvelope } from '../../../functions/domain/events';
import { newId } from '../../../functions/domain/ids';
import type { Payment } from '../../../functions/domain/payment';
import { fraudConsumer } from '../../../functions/fraud/consumer';
import { PostgresFraudSession } from '../../../functions/fraud/adapters/postgres-fraud-store';
import type { ScoringStore } from '../../../functions/fraud/ports';
import type { Thresholds } from '../../../functions/fraud/decision';
import { FEATURE_NAMES, namedFeatures, type FeatureName } from '../../../functions/fraud/features';
import type { FraudModel, ModelMetadata } from '../../../functions/fraud/model';
import type { ScoringSetup } from '../../../functions/fraud/use-cases/assess-payment';
import { bundledFxRates } from '../../../functions/fraud/fx-rates';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import { PostgresPaymentStore } from '../../../functions/payments/adapters/postgres-payment-store';
import { snapshotOf } from '../../../functions/domain/payment-snapshot';
import { consumerHandler } from '../../../functions/shared/consumer/runtime';
import type { Queryable, Sql } from '../../../functions/shared/db/client';
import { RecordingPublisher } from '../../support/recording-publisher';
import { sqsEvent, sqsRecord } from '../shared/consumer/fixtures';

export const silentLogger = () => new Logger({ logLevel: 'SILENT' });

export const TEST_THRESHOLDS: Thresholds = { review: 60, hold: 80, decline: 95 };

/**
 * A stand-in for the ONNX model (the model is not what these tests are about): the probability is a function
 * of the named features, and calibration is the identity, so the risk score is floor(100 x probability).
 */
export function stubModel(
  probability: (f: Record<FeatureName, number>) => number,
  version = 'stub-1',
): FraudModel & { calls: number } {
  const metadata = {
    version,
    sha256: '0'.repeat(64),
    onnx: `${version}.onnx`,
    features: [...FEATURE_NAMES],
    model: { onnx_input: 'x', onnx_probabilities: 'p', probability_column: 1 },
    calibration: { method: 'isotonic', probability: [0, 1], calibrated: [0, 1] },
    thresholds: { review: 50, hold: 75, decline: 90 },
  } as ModelMetadata;
  const model = {
    version,
    metadata,
    calls: 0,
    async score(rows: readonly ArrayLike<number>[]) {
      model.calls += rows.length;
      return Float64Array.from(rows.map((row) => probability(namedFeatures(row))));
    },
    async scorePacked(values: ArrayLike<number>, count: number) {
      const rows = Array.from({ length: count }, (_, r) =>
        Array.from(values).slice(r * FEATURE_NAMES.length, (r + 1) * FEATURE_NAMES.length),
      );
      return model.score(rows);
    },
  };
  return model;
}

/** A model whose probability is encoded in the payment amount: amount 1234 minor units -> 0.34 (amount % 100). */
export const amountCodedModel = () => stubModel((f) => (Math.round(f.amount * 100) % 100) / 100);

export interface PaymentSpec {
  merchantId?: string;
  amount?: number;
  currency?: string;
  card?: string;
  terminal?: string;
  createdAt?: string;
}

/** Stores a pending payment as POST /payments would (without its outbox row) and returns its PaymentCreated. */
export async function createPendingPayment(
  sql: Sql,
  spec: PaymentSpec = {},
): Promise<{ payment: Payment; event: EventEnvelope<'PaymentCreated'> }> {
  const createdAt = spec.createdAt ?? new Date().toISOString();
  const payment: Payment = {
    id: newId(),
    merchantId: spec.merchantId ?? 'merchant_a',
    status: 'pending',
    amount: spec.amount ?? 1250,
    currency: (spec.currency ?? 'EUR') as Payment['currency'],
    amountRefunded: 0,
    customer: { id: 'cus_1', email: 'ada@example.com' },
    paymentMethod: { type: 'card', fingerprint: spec.card ?? 'fp_card_0001', last4: '4242' },
    terminalId: spec.terminal ?? 'term_1',
    metadata: {},
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  await new PostgresPaymentStore(sql).transaction((tx) => tx.insertPayment(payment, undefined));
  const event = buildEvent('PaymentCreated', {
    merchantId: payment.merchantId,
    paymentId: payment.id,
    correlationId: `corr-${payment.id}`,
    data: { payment: snapshotOf(payment) },
  });
  return { payment, event };
}

/**
 * The fraud consumer's Lambda handler on a test database, with a recording publisher; the rates table is the
 * bundled one unless the setup names another.
 */
export function fraudHandler(
  sql: Sql,
  setup: Omit<ScoringSetup, 'rates'> & Partial<Pick<ScoringSetup, 'rates'>>,
  store: (tx: Queryable) => ScoringStore = (tx) => new PostgresFraudSession(tx),
) {
  const publisher = new RecordingPublisher();
  const dependencies = { setup: { rates: bundledFxRates(), ...setup }, store };
  const handler = consumerHandler(fraudConsumer, {
    sql: () => sql,
    publisher: () => publisher,
    logger: silentLogger(),
    dependencies: () => dependencies,
  });
  return {
    publisher,
    handler,
    deliver: (events: EventEnvelope<'PaymentCreated'>[]): Promise<SQSBatchResponse> =>
      handler(sqsEvent(events.map((e) => sqsRecord(e)))),
  };
}
