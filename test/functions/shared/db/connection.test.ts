import { createSql } from '../../../../functions/shared/db/client';
import { settingsFromEnvironment } from '../../../../functions/shared/db/connection';

// What Lambda puts in every function's environment (the execution role's session), as fakes.
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
};

// What ServiceFunction gives a function that uses the database (plus AWS_REGION, which Lambda sets).
const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  DB_HOST: 'rampay-dev.proxy-abcdefghijkl.eu-west-1.rds.amazonaws.com',
  DB_PORT: '5432',
  DB_NAME: 'rampay',
  DB_USER: 'rampay_admin',
  DB_SSL: 'require',
};

/** The token is the presigned URL without its scheme: `host:port/?Action=connect&DBUser=...&X-Amz-...`. */
function parseToken(token: string) {
  const url = new URL(`https://${token}`);
  return {
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
  };
}

async function passwordOf(settings: ReturnType<typeof settingsFromEnvironment>): Promise<string> {
  expect(typeof settings.password).toBe('function');
  return (settings.password as () => Promise<string>)();
}

describe('settingsFromEnvironment', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    Object.assign(process.env, CREDENTIALS);
  });
  afterEach(() => {
    jest.useRealTimers();
    for (const key of Object.keys(CREDENTIALS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('lets DATABASE_URL win (tests, the local platform), with the pool size and TLS setting', () => {
    expect(settingsFromEnvironment({ ...AWS_ENV, DATABASE_URL: 'postgres://u@localhost:5432/db' })).toEqual({
      url: 'postgres://u@localhost:5432/db',
      max: 2,
      ssl: 'require',
    });
    expect(
      settingsFromEnvironment({ DATABASE_URL: 'postgres://u@localhost/db', DB_POOL_MAX: '5', DB_SSL: 'off' }),
    ).toEqual({ url: 'postgres://u@localhost/db', max: 5, ssl: false });
  });

  it('on AWS connects to the proxy as DB_USER, with TLS, and a password function instead of a password', () => {
    const settings = settingsFromEnvironment(AWS_ENV);
    expect(settings).toEqual({
      host: AWS_ENV.DB_HOST,
      port: 5432,
      database: 'rampay',
      username: 'rampay_admin',
      password: expect.any(Function),
      max: 2,
      ssl: 'verify-full',
      ca: expect.arrayContaining([expect.stringContaining('-----BEGIN CERTIFICATE-----')]),
    });
    // Verified TLS whatever DB_SSL says: the token travels as a password.
    for (const DB_SSL of [undefined, 'require', 'off']) {
      expect(settingsFromEnvironment({ ...AWS_ENV, DB_SSL }).ssl).toBe('verify-full');
    }
  });

  it("signs an IAM auth token for the proxy's host, port and user in the function's region", async () => {
    jest.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z'), doNotFake: ['nextTick', 'queueMicrotask'] });
    const token = await passwordOf(settingsFromEnvironment(AWS_ENV));
    const { host, port, path, query } = parseToken(token);
    expect({ host, port, path }).toEqual({ host: AWS_ENV.DB_HOST, port: '5432', path: '/' });
    expect(query).toEqual({
      Action: 'connect',
      DBUser: 'rampay_admin',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${CREDENTIALS.AWS_ACCESS_KEY_ID}/20261125/eu-west-1/rds-db/aws4_request`,
      'X-Amz-Date': '20261125T100000Z',
      'X-Amz-Expires': '900',
      'X-Amz-Security-Token': CREDENTIALS.AWS_SESSION_TOKEN,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('signs a fresh token for every new connection, with the credentials in the environment at that time', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z'), doNotFake: ['nextTick', 'queueMicrotask'] });
    const settings = settingsFromEnvironment({ ...AWS_ENV, DB_PORT: '6543' });
    const first = parseToken(await passwordOf(settings));
    jest.setSystemTime(new Date('2026-11-25T10:20:00Z'));
    process.env.AWS_ACCESS_KEY_ID = 'AKIAI44QH8DHBEXAMPLE';
    const second = parseToken(await passwordOf(settings));
    expect(first.port).toBe('6543');
    expect(second.query['X-Amz-Date']).toBe('20261125T102000Z');
    expect(second.query['X-Amz-Credential']).toMatch(/^AKIAI44QH8DHBEXAMPLE\//);
    expect(second.query['X-Amz-Signature']).not.toBe(first.query['X-Amz-Signature']);
  });

  it('hands the password function to postgres.js, which calls it for each connection', async () => {
    const sql = createSql(settingsFromEnvironment(AWS_ENV));
    try {
      const options = sql.options as unknown as Record<string, unknown>;
      expect(options).toMatchObject({
        host: [AWS_ENV.DB_HOST],
        port: [5432],
        user: 'rampay_admin',
        database: 'rampay',
        ssl: { ca: settingsFromEnvironment(AWS_ENV).ca },
      });
      const pass = options.pass as () => Promise<string>;
      expect(parseToken(await pass()).query.DBUser).toBe('rampay_admin');
    } finally {
      await sql.end({ timeout: 0 });
    }
  });

  it('says which settings are missing', () => {
    expect(() => settingsFromEnvironment({})).toThrow(
      'set DATABASE_URL, or DB_HOST, DB_USER and AWS_REGION (IAM authentication to RDS Proxy) to reach the database; missing: DB_HOST, DB_USER, AWS_REGION',
    );
    expect(() => settingsFromEnvironment({ ...AWS_ENV, DB_USER: undefined })).toThrow(/missing: DB_USER$/);
    expect(() => settingsFromEnvironment({ ...AWS_ENV, AWS_REGION: '' })).toThrow(/missing: AWS_REGION$/);
    expect(() => settingsFromEnvironment({ ...AWS_ENV, DB_PORT: 'proxy' })).toThrow(
      'DB_PORT is not a port number: proxy',
    );
  });

  it('fails to sign, clearly, when the environment holds no credentials', async () => {
    for (const key of Object.keys(CREDENTIALS)) delete process.env[key];
    await expect(passwordOf(settingsFromEnvironment(AWS_ENV))).rejects.toThrow(
      /Unable to find environment variable credentials/,
    );
  });
});
