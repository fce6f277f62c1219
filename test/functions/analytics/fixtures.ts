import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import type {
  AnyEventEnvelope,
  EventData,
  PaymentEventEnvelope,
  PaymentEventType,
} from '../../../functions/domain/events';
import { newId } from '../../../functions/domain/ids';
import { PostgresRollupWriter } from '../../../functions/analytics/adapters/postgres-analytics-store';
import { analyticsConsumer } from '../../../functions/analytics/consumer';
import type { BusinessMetrics } from '../../../functions/analytics/metrics';
import type { MerchantSignal } from '../../../functions/analytics/rollup';
import { consumerHandler, type SqsBatchHandler } from '../../../functions/shared/consumer/runtime';
import type { Sql } from '../../../functions/shared/db/client';
import { paymentSnapshot } from '../../support/fixtures';
import { RecordingPublisher, sqsRecord } from '../shared/consumer/fixtures';

export interface PaymentSpec {
  id?: string;
  merchantId?: string;
  currency?: string;
  amount?: number;
}

type Extra<T extends PaymentEventType> = Omit<EventData<T>, 'payment'>;

/** An event of `type` for the payment `spec`, occurring at `at`. */
export function event<T extends PaymentEventType>(
  type: T,
  spec: PaymentSpec,
  at: string | Date,
  extra?: Partial<Extra<T>>,
): PaymentEventEnvelope {
  const payment = paymentSnapshot({
    id: spec.id,
    merchantId: spec.merchantId ?? 'merchant_a',
    currency: spec.currency ?? 'EUR',
    amount: spec.amount ?? 1000,
  });
  const defaults: Record<PaymentEventType, object> = {
    PaymentCreated: {},
    PaymentApproved: { decidedBy: 'fraud-model' },
    PaymentFailed: { reason: 'declined' },
    PaymentRefunded: { refund: { id: newId(), amount: payment.amount, currency: payment.currency } },
    AnomalyDetected: {
      score: 90,
      probability: 0.9,
      modelVersion: 'test',
      reasons: ['velocity'],
      action: 'hold',
    },
    ReviewDecided: { decision: 'approve', reviewer: 'rev_1' },
  };
  return {
    id: newId(),
    type,
    version: 1,
    occurredAt: new Date(at).toISOString(),
    merchantId: payment.merchantId,
    paymentId: payment.id,
    correlationId: `corr-${payment.id}`,
    data: { payment, ...defaults[type], ...extra },
  } as PaymentEventEnvelope;
}

export function payment(spec: PaymentSpec = {}): Required<PaymentSpec> {
  return {
    id: spec.id ?? newId(),
    merchantId: spec.merchantId ?? 'merchant_a',
    currency: spec.currency ?? 'EUR',
    amount: spec.amount ?? 1000,
  };
}

export class RecordingMetrics implements BusinessMetrics {
  readonly recorded: MerchantSignal[] = [];
  published = 0;
  record(signals: readonly MerchantSignal[]): void {
    this.recorded.push(...signals);
  }
  publish(): void {
    this.published++;
  }
}

/** The analytics consumer as Lambda runs it (runtime, compaction, metrics), on a test database. */
export function analyticsHandler(
  sql: Sql,
  metrics: BusinessMetrics = new RecordingMetrics(),
): SqsBatchHandler {
  const dependencies = {
    store: new PostgresRollupWriter(),
    metrics,
    pending: new Map<string, MerchantSignal[]>(),
  };
  return consumerHandler(analyticsConsumer, {
    sql: () => sql,
    publisher: () => new RecordingPublisher(),
    logger: new Logger({
      serviceName: 'analytics-test',
      logLevel: (process.env.ANALYTICS_TEST_LOG_LEVEL ?? 'CRITICAL') as 'CRITICAL',
    }),
    dependencies: () => dependencies,
  });
}

/** Delivers the events in batches of up to 10, in the order given; throws if any record failed. */
export async function deliver(handler: SqsBatchHandler, events: readonly AnyEventEnvelope[]): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    const batch: SQSEvent = { Records: events.slice(i, i + 10).map((e) => sqsRecord(e)) };
    const result = await handler(batch);
    if (result.batchItemFailures.length > 0) throw new Error(`records failed: ${JSON.stringify(result)}`);
  }
}
