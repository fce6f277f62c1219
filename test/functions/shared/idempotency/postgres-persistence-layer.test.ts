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

test('a replay is answered from the stored result: a claim that finds the key taken, then one read', async () => {
  const first = await counted(input('replay-1'), context);
  client.statements.length = 0;

  const again = await counted(input('replay-1'), context);

  expect(again).toEqual({ result: first.result, replayed: true });
  expect(client.withoutTypeLookup()).toHaveLength(2);
  expect(client.withoutTypeLookup()[0]).toMatch(/^insert into idempotency_records/);
  expect(client.withoutTypeLookup()[1]).toMatch(/^select \* from idempotency_records where id = \$1$/);
});

test('a key whose stored result expired is claimed again and runs the operation anew', async () => {
  const first = await counted(input('expired-1'), context);
  await db.sql`update idempotency_records set expires_at = 0 where status = 'COMPLETED'`;

  const again = await counted(input('expired-1'), context);

  expect(again.replayed).toBe(false);
  expect(again.result.run).toBe(first.result.run + 1);
});
