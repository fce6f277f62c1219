/**
 * Typed parameters (functions/shared/db/typed.ts) and the postgres.js patch under patches/: with prepare: false, a
 * statement whose parameter types are all known goes in one round trip, values intact.
 */
import { typed } from '../../../../functions/shared/db/typed';
import type { Sql } from '../../../../functions/shared/db/client';
import { recordingClient, startTestDatabase, type TestDatabase } from '../../../support/database';

let db: TestDatabase;
let client: ReturnType<typeof recordingClient>;
let sql: Sql;

beforeAll(async () => {
  db = await startTestDatabase({ max: 1 });
  client = recordingClient(db.url);
  sql = client.sql;
  await sql`select 1`; // connected, array types read
});
afterAll(async () => {
  await sql.end();
  await db.stop();
});

async function flightsOf<T>(run: () => Promise<T>): Promise<{ result: T; flights: number }> {
  client.flights.count = 0;
  const result = await run();
  return { result, flights: client.flights.count };
}

test('a statement whose parameters are all typed takes one round trip; one untyped parameter adds another', async () => {
  const all = await flightsOf(
    () => sql`select ${typed.text(sql, 'a')} as t, ${typed.integer(sql, 7)} as i, ${sql.json({ k: 1 })} as j`,
  );
  expect(all.flights).toBe(1);
  expect(all.result[0]).toEqual({ t: 'a', i: 7, j: { k: 1 } });

  const one = await flightsOf(() => sql`select ${typed.text(sql, 'a')} as t, ${'b'}::text as u`);
  expect(one.flights).toBe(2);
  expect(one.result[0]).toEqual({ t: 'a', u: 'b' });
});

test('typed values arrive as sent: quotes, backslashes, nulls, large integers, nested JSON', async () => {
  const text = `it's a \\ "test" ; drop table payments; --`;
  const json = { note: "o'clock", nested: [1, null, { deep: '\\' }] };
  const { result, flights } = await flightsOf(
    () => sql`
      select ${typed.text(sql, text)} as text, ${typed.text(sql, null)} as none,
             ${typed.bigint(sql, 2 ** 53 - 1)} as big, ${typed.integer(sql, -5)} as small,
             ${sql.json(json)} as json, ${sql.json(null as never)} as nothing,
             ${sql.json(null as never)} is null as "sqlNull"`,
  );
  expect(flights).toBe(1);
  expect(result[0]).toEqual({
    text,
    none: null,
    big: 2 ** 53 - 1,
    small: -5,
    json,
    nothing: null,
    sqlNull: true,
  });
  // sql.json(null) is SQL NULL, not the JSON value null: the functions test their optional arguments with IS NULL.
});

test('an error in a one-round-trip statement leaves the connection usable', async () => {
  await expect(sql`select 1 / ${typed.integer(sql, 0)}`).rejects.toThrow('division by zero');
  const [row] = await sql`select ${typed.integer(sql, 2)} + 1 as three`;
  expect(row).toEqual({ three: 3 });
});
