/**
 * Powertools idempotency records in PostgreSQL (functions/shared/idempotency): a replay and an expired key, and
 * what a replay costs in statements.
 */
import type { Sql } from '../../../../functions/shared/db/client';
import { idempotentOperation } from '../../../../functions/shared/idempotency/idempotent-operation';
import { lambdaContext } from '../../../../lib/local/lambda-context';
import { recordingClient, startTestDatabase, type TestDatabase } from '../../../support/database';

let db: TestDatabase;
let client: ReturnType<typeof recordingClient>;
let sql: Sql;

beforeAll(async () => {
  db = await startTestDatabase({ max: 1 });
  client = recordingClient(db.url);
  sql = client.sql;
});
afterAll(async () => {
  await sql.end();
  await db.stop();
});

const context = lambdaContext('Test');
let runs = 0;
const counted = idempotentOperation(
  'persistence-test',
  async () => sql,
  async (input: { body: unknown }) => ({
    run: ++runs,
    body: input.body,
  }),
);
const input = (idempotencyKey: string) => ({
  merchantId: 'm1',
  idempotencyKey,
  scope: 'test',
  body: { amount: 100 },
  correlationId: 'c',
});

/** An idempotent operation that stays in progress until the test releases it (`releases`, one per run). */
function heldOperation(name: string) {
  const releases: (() => void)[] = [];
  const blocked = idempotentOperation(
    name,
    async () => sql,
    async (input: { body: unknown }) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return { body: input.body };
    },
  );
  return { blocked, releases };
}

test('a replay is answered from the stored result by the claim itself: one statement without parameters (one round trip), nothing written', async () => {
  const first = await counted(input('replay-1'), context);
  const [before] =
    await db.sql`select xmin::text, xmax::text from idempotency_records where status = 'COMPLETED'`;
  client.statements.length = 0;
  client.parameters.length = 0;
  client.flights.count = 0;

  const again = await counted(input('replay-1'), context);

  expect(again).toEqual({ result: first.result, replayed: true });
  expect(client.withoutTypeLookup()).toHaveLength(1);
  expect(client.withoutTypeLookup()[0]).toMatch(/^select \* from claim_idempotency_record\(/);
  expect(client.parameters).toEqual([[]]);
  expect(client.flights.count).toBe(1);
  // Not even a row lock: the record's tuple is untouched.
  const [after] =
    await db.sql`select xmin::text, xmax::text from idempotency_records where status = 'COMPLETED'`;
  expect(after).toEqual(before);
});

test('a key still in progress is answered 409 until its lease runs out, then claimed anew', async () => {
  const { blocked, releases } = heldOperation('persistence-test-lease');
  const running = blocked(input('lease-1'), context);
  await new Promise((resolve) => setTimeout(resolve, 200));

  await expect(blocked(input('lease-1'), context)).rejects.toMatchObject({ status: 409 });

  // The holder died: its in-progress lease ran out.
  await db.sql`update idempotency_records set in_progress_expires_at = 0 where status = 'INPROGRESS'`;
  const takeover = blocked(input('lease-1'), context);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(releases).toHaveLength(2);
  releases.forEach((release) => release());
  await expect(takeover).resolves.toMatchObject({ replayed: false });
  // The first holder finishing late overwrites nothing a replay could tell apart: same body, same result.
  await expect(running).resolves.toMatchObject({ replayed: false });
});

test('a key whose stored result expired is claimed again and runs the operation anew', async () => {
  const first = await counted(input('expired-1'), context);
  await db.sql`update idempotency_records set expires_at = 0 where status = 'COMPLETED'`;

  const again = await counted(input('expired-1'), context);

  expect(again.replayed).toBe(false);
  expect(again.result.run).toBe(first.result.run + 1);
});

test('a key in progress without a lease is held (409), never taken over', async () => {
  const { blocked, releases } = heldOperation('persistence-test-no-lease');
  const running = blocked(input('no-lease-1'), context);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await db.sql`update idempotency_records set in_progress_expires_at = null where status = 'INPROGRESS'`;

  await expect(blocked(input('no-lease-1'), context)).rejects.toMatchObject({ status: 409 });

  expect(releases).toHaveLength(1);
  releases.forEach((release) => release());
  await expect(running).resolves.toMatchObject({ replayed: false });
});
