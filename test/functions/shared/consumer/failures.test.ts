/**
 * Why a record failed (functions/shared/consumer/failures.ts): the runtime logs it and keeps each event's last
 * failure in consumer_failures, in words that never carry a customer's data.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { ConcurrentUpdateError } from '../../../../functions/domain/errors';
import { defineConsumer } from '../../../../functions/shared/consumer/consumer';
import {
  describeFailure,
  FAILURE_RETENTION_DAYS,
  lastFailures,
} from '../../../../functions/shared/consumer/failures';
import { consumerHandler, type ConsumerComposition } from '../../../../functions/shared/consumer/runtime';
import { topicFor } from '../../../../functions/shared/events/topology';
import type { EventType } from '../../../../functions/domain/events';
import { DLQ_RETENTION_DAYS } from '../../../../lib/infra/constructs/event-consumer-settings';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { captureLogLines } from '../../../support/log-lines';
import {
  eventOfType,
  paymentApproved,
  paymentCreated,
  RecordingPublisher,
  sqsEvent,
  sqsRecord,
} from './fixtures';

// Every type the topology routes to the notifications queue, which defineConsumer insists on.
const NOTIFICATIONS = [
  'PaymentCreated',
  'PaymentApproved',
  'PaymentFailed',
  'AnomalyDetected',
  'WebhookEndpointDisabled',
] as const;

let db: TestDatabase;
let composition: ConsumerComposition;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());
beforeEach(() => {
  composition = {
    sql: () => db.sql,
    publisher: () => new RecordingPublisher(),
    logger: new Logger({ logLevel: 'SILENT' }),
  };
});

/** A database error as the driver raises it, its message quoting the value it refused. */
async function databaseError(value: string): Promise<Error> {
  try {
    await db.sql`select ${value}::integer`;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the cast did not fail');
}

/** A notifications consumer that throws `failure()` for the events in `failFor`. */
function failingConsumer(failFor: Set<string>, failure: () => Error) {
  return consumerHandler(
    defineConsumer({
      name: 'notifications',
      handles: NOTIFICATIONS,
      handle: async (event) => {
        if (failFor.has(event.id)) throw failure();
      },
    }),
    composition,
  );
}

describe('describeFailure', () => {
  it("keeps the message of an error RamPay words from ids and rules (the domain's, the runtime's)", () => {
    const error = new ConcurrentUpdateError('0b7c4e1e-0000-4000-8000-000000000001');
    expect(describeFailure(error)).toBe(error.message);
  });

  it("says a database error's SQLSTATE, never its message, which quotes the value", async () => {
    const error = await databaseError('ada@example.com');
    expect(error.message).toContain('ada@example.com');
    const reason = describeFailure(error);
    expect(reason).toMatch(/^SQLSTATE 22P02; /);
    expect(reason).not.toContain('ada@example.com');
  });

  it("keeps no JSON parser's message, which quotes the body", () => {
    let error: Error | undefined;
    try {
      JSON.parse('{"email":"ada@example.com", "phone":');
    } catch (e) {
      error = e as Error;
    }
    expect(describeFailure(error)).toBe('its message is not kept: it may quote customer data');
  });

  it("names where in RamPay's code an error whose message it does not keep was thrown", () => {
    let error: Error | undefined;
    try {
      topicFor('PaymentTeleported' as EventType);
    } catch (e) {
      error = e as Error;
    }
    expect(describeFailure(error)).toMatch(
      /^thrown at functions\/shared\/events\/topology\.ts:\d+; its message is not kept: it may quote customer data$/,
    );
  });

  it('never repeats the message of any other error, whatever it quotes', () => {
    const errorKinds = [Error, TypeError, RangeError, SyntaxError];
    fc.assert(
      fc.property(
        fc.constantFrom(...errorKinds),
        fc.oneof(fc.emailAddress(), fc.string({ minLength: 12 })),
        (Kind, quoted) => {
          const reason = describeFailure(new Kind(`could not send to ${quoted}`));
          return !reason.includes(quoted) && !reason.includes('could not send');
        },
      ),
    );
  });

  it('keeps failures as long as a DLQ keeps a message', () => {
    expect(FAILURE_RETENTION_DAYS).toBe(DLQ_RETENTION_DAYS);
  });
});

describe('the runtime keeps why a record failed', () => {
  it('logs the reason and saves the last failure of each event: error, reason, attempt, message', async () => {
    const event = paymentCreated();
    const handler = failingConsumer(new Set([event.id]), () => new ConcurrentUpdateError(event.paymentId));
    const { lines, restore } = captureLogLines();
    composition.logger = new Logger({ serviceName: 'test', logLevel: 'ERROR' });
    let first, second;
    try {
      first = sqsRecord(event);
      await handler(sqsEvent([first]));
      second = sqsRecord(event, {
        attributes: { ...first.attributes, ApproximateReceiveCount: '2' },
      });
      await handler(sqsEvent([second]));
    } finally {
      restore();
    }
    const reason = `payment ${event.paymentId} was changed by someone else; reload it and retry`;
    expect(lines.filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ eventId: event.id, messageId: first.messageId, receiveCount: 1, reason }),
      expect.objectContaining({ eventId: event.id, messageId: second.messageId, receiveCount: 2, reason }),
    ]);
    const [saved] = await lastFailures(db.sql, 'notifications', [event.id]);
    expect(saved).toEqual({
      consumer: 'notifications',
      eventId: event.id,
      eventType: 'PaymentCreated',
      paymentId: event.paymentId,
      messageId: second.messageId,
      errorName: 'ConcurrentUpdateError',
      reason,
      attempt: 2,
      failedAt: expect.any(Date),
    });
  });

  it('in a batch, saves only the records that failed, once each', async () => {
    const events = Array.from({ length: 10 }, () => paymentApproved());
    const failing = new Set([events[3]!.id, events[7]!.id]);
    const result = await failingConsumer(
      failing,
      () => new TypeError('cannot read email of undefined'),
    )(sqsEvent(events.map((e) => sqsRecord(e))));
    expect(result.batchItemFailures).toHaveLength(2);
    const saved = await lastFailures(
      db.sql,
      'notifications',
      events.map((e) => e.id),
    );
    expect(saved.map((f) => [f.eventId, f.errorName]).sort()).toEqual(
      [...failing].map((id) => [id, 'TypeError']).sort(),
    );
    expect(saved.every((f) => !f.reason.includes('cannot read email'))).toBe(true);
  });

  it('saves an event of a type the consumer does not take as rejected; a body that is no event has no row', async () => {
    const refunded = eventOfType('PaymentRefunded');
    const result = await failingConsumer(
      new Set(),
      () => new Error('unused'),
    )(sqsEvent([sqsRecord(refunded), sqsRecord('{"email":"ada@example.com"')]));
    expect(result.batchItemFailures).toHaveLength(2);
    expect(await lastFailures(db.sql, 'notifications', [refunded.id])).toEqual([
      expect.objectContaining({
        errorName: 'RejectedMessageError',
        reason: expect.stringMatching(/: notifications does not consume PaymentRefunded$/),
      }),
    ]);
    expect(await db.sql`select event_id from consumer_failures where reason like '%ada@%'`).toEqual([]);
  });

  it('a record that succeeds saves nothing', async () => {
    const event = paymentCreated();
    await failingConsumer(new Set(), () => new Error('unused'))(sqsEvent([sqsRecord(event)]));
    expect(await lastFailures(db.sql, 'notifications', [event.id])).toEqual([]);
  });
});
