import { lambdaComposition } from '../../../../functions/shared/consumer/dependencies';
import { defineConsumer } from '../../../../functions/shared/consumer/consumer';
import { wasProcessed } from '../../../../functions/shared/consumer/inbox';
import { consumerHandler } from '../../../../functions/shared/consumer/runtime';
import { useSharedSql } from '../../../../functions/shared/db/connection';
import { useSharedPublisher } from '../../../../functions/shared/outbox/publisher';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { paymentCreated, RecordingPublisher, sqsEvent, sqsRecord } from './fixtures';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  useSharedPublisher(undefined);
  await db?.stop();
});

describe('lambdaComposition', () => {
  it("runs a consumer on the process's shared database client and publisher, with its own dependencies", async () => {
    useSharedSql(db.sql);
    const publisher = new RecordingPublisher();
    useSharedPublisher(publisher);
    const handler = consumerHandler(
      defineConsumer<'fraud', { decidedBy: 'fraud-model' }>({
        name: 'fraud',
        handles: ['PaymentCreated'],
        handle: async (event, ctx) => [
          ctx.event('PaymentApproved', {
            data: { payment: { ...event.data.payment, status: 'approved' }, decidedBy: ctx.deps.decidedBy },
          }),
        ],
      }),
      lambdaComposition({ dependencies: () => ({ decidedBy: 'fraud-model' as const }) }),
    );
    const event = paymentCreated();
    expect(await handler(sqsEvent([sqsRecord(event)]))).toEqual({ batchItemFailures: [] });
    expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(true);
    expect(publisher.published.map((e) => e.type)).toEqual(['PaymentApproved']);
  });
});
