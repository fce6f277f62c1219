/**
 * Checked SQL literals (functions/shared/db/literals.ts): values of the expected shape reach PostgreSQL as they
 * are, anything else is refused before a statement is built.
 */
import { literal } from '../../../../functions/shared/db/literals';
import { startTestDatabase, type TestDatabase } from '../../../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ max: 1 });
});
afterAll(() => db.stop());

const HASH = /^[A-Za-z0-9+/]{22}==$/;

test('values of the expected shape arrive as they are, absent ones as null', async () => {
  const sql = db.sql;
  const ids = ['0190a6b4-64b0-7cc1-9c3e-2f1d2a3b4c5d', '0190A6B4-64B0-7CC1-9C3E-2F1D2A3B4C5E'];
  const [row] = await sql`
    select ${literal.text(sql, 'kT4Vb2Q1cU0xYWJjZGVmZw==', HASH)} as hash, ${literal.text(sql, undefined, HASH)} as none,
           ${literal.bigint(sql, 9_007_199_254_740_991)} as big, ${literal.bigint(sql, null)} as no_number,
           ${literal.uuidArray(sql, ids)} as ids`;
  expect(row).toEqual({
    hash: 'kT4Vb2Q1cU0xYWJjZGVmZw==',
    none: null,
    big: 9_007_199_254_740_991,
    no_number: null,
    ids: ids.map((id) => id.toLowerCase()),
  });
});

test('a value of another shape is refused, whatever it holds', () => {
  const sql = db.sql;
  expect(() => literal.text(sql, "x'; drop table payments; --", /^.*$/)).toThrow(TypeError);
  expect(() => literal.text(sql, 'not a hash', HASH)).toThrow(TypeError);
  expect(() => literal.bigint(sql, 1.5)).toThrow(TypeError);
  expect(() => literal.bigint(sql, Number.MAX_SAFE_INTEGER + 1)).toThrow(TypeError);
  expect(() => literal.uuidArray(sql, ["0190a6b4-64b0-7cc1-9c3e-2f1d2a3b4c5d}'"])).toThrow(TypeError);
});
