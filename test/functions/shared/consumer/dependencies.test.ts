import { lambdaHandler } from '../../../../functions/shared/consumer/dependencies';
import { defineConsumer } from '../../../../functions/shared/consumer/consumer';
import { wasProcessed } from '../../../../functions/shared/consumer/inbox';
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

describe('lambdaHandler', () => {
  it("runs a consumer on the process's shared database client and publisher", async () => {
    useSharedSql(db.sql);
    const publisher = new RecordingPublisher();
    useSharedPublisher(publisher);
    const handler = lambdaHandler(
      defineConsumer({
        name: 'fraud',
        handle: async (event, ctx) => {
          ctx.emit('PaymentApproved', {
            data: { payment: { ...event.data.payment, status: 'approved' }, decidedBy: 'fraud-model' },
          });
        },
      }),
    );
    const event = paymentCreated();
    expect(await handler(sqsEvent([sqsRecord(event)]))).toEqual({ batchItemFailures: [] });
    expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(true);
    expect(publisher.published.map((e) => e.type)).toEqual(['PaymentApproved']);
  });
});
