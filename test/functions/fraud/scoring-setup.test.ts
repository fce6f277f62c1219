/**
 * The consumer's composition with the committed ONNX model: model selection, thresholds and shadow model from the
 * environment, and one payment scored through the real model on a real database.
 *
 * onnxruntime-node checks typed arrays against its own realm's constructors, which jest's sandbox replaces:
 * @jest-environment ./test/models/support/onnx-environment.js
 */
import path from 'node:path';
import { activeModel } from '../../../models/artifact';
import { loadScoringSetup } from '../../../functions/fraud/consumer-composition';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { createPendingPayment, fraudHandler } from './support';

const MODEL_DIR = path.resolve(__dirname, '..', '..', '..', 'models');
const { version } = activeModel();

describe('loadScoringSetup', () => {
  it("takes the one committed model and, without FRAUD_THRESHOLDS, the model's recommended thresholds", async () => {
    const setup = await loadScoringSetup({ MODEL_DIR });
    expect(setup.model.version).toBe(version);
    const { review, hold, decline } = setup.model.metadata.thresholds;
    expect(setup.thresholds).toEqual({ review, hold, decline });
    expect(setup.shadow).toBeUndefined();
  });

  it('takes FRAUD_MODEL, FRAUD_THRESHOLDS and FRAUD_SHADOW_MODEL from the environment', async () => {
    const setup = await loadScoringSetup({
      MODEL_DIR,
      FRAUD_MODEL: version,
      FRAUD_SHADOW_MODEL: `fraud-${version}.json`,
      FRAUD_THRESHOLDS: '{"review":65,"hold":85,"decline":97}',
    });
    expect(setup.thresholds).toEqual({ review: 65, hold: 85, decline: 97 });
    expect(setup.shadow?.version).toBe(version);
  });

  it('scores without a shadow model that does not load, and refuses to start without the active one', async () => {
    const setup = await loadScoringSetup({ MODEL_DIR, FRAUD_SHADOW_MODEL: 'no-such-version' });
    expect(setup.shadow).toBeUndefined();
    await expect(loadScoringSetup({ MODEL_DIR, FRAUD_MODEL: 'no-such-version' })).rejects.toThrow(
      /no-such-version/,
    );
    await expect(
      loadScoringSetup({ MODEL_DIR, FRAUD_THRESHOLDS: '{"review":90,"hold":10,"decline":95}' }),
    ).rejects.toThrow(/FRAUD_THRESHOLDS/);
  });
});

describe('the fraud consumer with the committed model', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await startTestDatabase();
  });
  afterAll(async () => db?.stop());

  it('scores a payment through onnxruntime and stores what the model saw and said', async () => {
    const setup = await loadScoringSetup({ MODEL_DIR });
    const { payment, event } = await createPendingPayment(db.sql, {
      merchantId: 'merchant_onnx',
      amount: 2500,
      // In the daytime: a payment at night gives one more reason.
      createdAt: '2026-06-03T12:00:00.000Z',
    });
    const { deliver, publisher } = fraudHandler(db.sql, setup);
    expect((await deliver([event])).batchItemFailures).toEqual([]);
    const [row] = await db.sql<
      {
        model_version: string;
        probability: number;
        score: number;
        action: string;
        features: Record<string, number>;
        reasons: string[];
      }[]
    >`
      select * from fraud_assessments where payment_id = ${payment.id}`;
    expect(row).toMatchObject({ model_version: version, action: 'approve' });
    expect(row!.probability).toBeGreaterThanOrEqual(0);
    expect(row!.probability).toBeLessThan(1);
    expect(row!.score).toBeLessThan(setup.thresholds.review);
    expect(row!.features).toMatchObject({ amount: 25, card_tx_count_1d: 1 });
    expect(row!.reasons).toEqual(['first payment seen from this card in 30 days']);
    expect(publisher.published.map((e) => e.type)).toEqual(['PaymentApproved']);
  });
});
