/**
 * GET and PUT /merchant/settings through their Lambda handlers on a real database: a merchant that never set
 * anything reads nulls; a PUT replaces the settings (null clears); what is not an e-mail address is a 400 naming
 * the field, and changes nothing; a merchant only ever sees its own settings.
 */
import { handler as getSettings } from '../../../functions/notifications/handlers/get-merchant-settings';
import { handler as putSettings } from '../../../functions/notifications/handlers/put-merchant-settings';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { call } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
});
afterAll(async () => db?.stop());

const as = (merchantId: string) => ({ merchantId, scopes: ['settings:read', 'settings:write'] });

it('reads nulls until the merchant sets an address, then what it set; null clears it', async () => {
  const before = await call(getSettings, 'GET', '/merchant/settings', as('merchant_s1'));
  expect(before).toMatchObject({
    status: 200,
    body: { object: 'merchant_settings', notificationEmail: null, updatedAt: null },
  });

  const put = await call(putSettings, 'PUT', '/merchant/settings', {
    ...as('merchant_s1'),
    body: { notificationEmail: 'ops@shop.example.com' },
  });
  expect(put.status).toBe(200);
  expect(put.body).toEqual({
    object: 'merchant_settings',
    notificationEmail: 'ops@shop.example.com',
    updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
  expect((await call(getSettings, 'GET', '/merchant/settings', as('merchant_s1'))).body).toEqual(put.body);

  const cleared = await call(putSettings, 'PUT', '/merchant/settings', {
    ...as('merchant_s1'),
    body: { notificationEmail: null },
  });
  expect(cleared.body).toMatchObject({ notificationEmail: null, updatedAt: expect.any(String) });
  const [row] =
    await db.sql`select notification_email from merchant_settings where merchant_id = 'merchant_s1'`;
  expect(row).toEqual({ notification_email: null });
});

it.each([
  ['not an address', { notificationEmail: 'not an address' }, 'notificationEmail'],
  [
    'an address over 254 characters',
    { notificationEmail: `${'a'.repeat(250)}@example.com` },
    'notificationEmail',
  ],
  ['a number', { notificationEmail: 42 }, 'notificationEmail'],
  ['no address at all', {}, 'notificationEmail'],
  [
    'an unknown field',
    { notificationEmail: 'ops@shop.example.com', webhookUrl: 'https://x.example' },
    '(body)',
  ],
])('refuses %s with a problem naming the field, and changes nothing', async (_case, body, field) => {
  await call(putSettings, 'PUT', '/merchant/settings', {
    ...as('merchant_s2'),
    body: { notificationEmail: 'kept@shop.example.com' },
  });
  const refused = await call(putSettings, 'PUT', '/merchant/settings', { ...as('merchant_s2'), body });
  expect(refused.status).toBe(400);
  expect(refused.headers['content-type']).toBe('application/problem+json');
  expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  expect((await call(getSettings, 'GET', '/merchant/settings', as('merchant_s2'))).body).toMatchObject({
    notificationEmail: 'kept@shop.example.com',
  });
});

it('shows a merchant its own settings only, and needs settings:write to change them', async () => {
  await call(putSettings, 'PUT', '/merchant/settings', {
    ...as('merchant_s3'),
    body: { notificationEmail: 'three@shop.example.com' },
  });
  expect((await call(getSettings, 'GET', '/merchant/settings', as('merchant_s4'))).body).toMatchObject({
    notificationEmail: null,
  });
  const readOnly = await call(putSettings, 'PUT', '/merchant/settings', {
    merchantId: 'merchant_s3',
    scopes: ['settings:read'],
    body: { notificationEmail: 'attacker@example.org' },
  });
  expect(readOnly.status).toBe(403);
  expect((await call(getSettings, 'GET', '/merchant/settings', as('merchant_s3'))).body).toMatchObject({
    notificationEmail: 'three@shop.example.com',
  });
});
