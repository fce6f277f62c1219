import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { mockClient } from 'aws-sdk-client-mock';
import net from 'node:net';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../../functions/shared/db/migrate-handler';
import { settingsFromSecret } from '../../../../functions/shared/db/secret-settings';
import { startTestDatabase, type TestDatabase } from '../../../support/database';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rampay/dev/database-AbCdEf';
// What RDS's generated secret holds (the shape rds.DatabaseSecret writes).
const RDS_SECRET = {
  engine: 'postgres',
  username: 'rampay_admin',
  password: 'generated-password',
  host: 'rampay-dev.abcdefghijkl.eu-west-1.rds.amazonaws.com',
  port: 5433,
  dbname: 'rampay',
};

const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  secretsManager.reset();
  clearCaches();
});

describe("settingsFromSecret (the deploy-time migrator's sign-in)", () => {
  const env = { DB_SECRET_ARN: SECRET_ARN, DB_SSL: 'require', AWS_REGION: 'eu-west-1' };

  it("signs in straight to the instance with the secret's user and password", async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify(RDS_SECRET) });
    await expect(settingsFromSecret(env)).resolves.toEqual({
      host: RDS_SECRET.host,
      port: 5433,
      database: 'rampay',
      username: 'rampay_admin',
      password: 'generated-password',
      max: 2,
      ssl: 'require',
    });
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('takes host, port and database from the environment over the secret', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(RDS_SECRET) });
    await expect(
      settingsFromSecret({ ...env, DB_HOST: 'db.internal', DB_PORT: '6000', DB_NAME: 'other' }),
    ).resolves.toMatchObject({ host: 'db.internal', port: 6000, database: 'other' });
  });

  it('lets DATABASE_URL win without calling Secrets Manager', async () => {
    await expect(settingsFromSecret({ ...env, DATABASE_URL: 'postgres://u@localhost/db' })).resolves.toEqual({
      url: 'postgres://u@localhost/db',
      max: 2,
      ssl: 'require',
    });
    expect(secretsManager).not.toHaveReceivedAnyCommand();
  });

  it('says what is missing', async () => {
    await expect(settingsFromSecret({})).rejects.toThrow(
      'set DATABASE_URL, or DB_SECRET_ARN (the database secret) with DB_HOST, for the migrator to reach the database',
    );
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ username: 'rampay_admin' }) });
    await expect(settingsFromSecret(env)).rejects.toThrow('the database secret has no username or password');
    clearCaches();
    const { host: _host, ...withoutHost } = RDS_SECRET;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(withoutHost) });
    await expect(settingsFromSecret(env)).rejects.toThrow('set DB_HOST: the database secret names no host');
  });
});

describe('the migration handler', () => {
  let db: TestDatabase;
  const saved = { ...process.env };
  beforeAll(async () => {
    db = await startTestDatabase();
  });
  afterAll(() => db.stop());
  afterEach(() => {
    for (const key of ['DATABASE_URL', 'DB_SECRET_ARN', 'DB_HOST', 'DB_PORT', 'DB_NAME'])
      delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('signs in with the database secret (no DATABASE_URL) and finds every migration applied', async () => {
    const url = new URL(db.url);
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
      SecretString: JSON.stringify({
        username: decodeURIComponent(url.username),
        password: 'unused-by-a-trusting-server',
        host: url.hostname,
        port: Number(url.port || 5432),
        dbname: url.pathname.slice(1),
      }),
    });
    delete process.env.DATABASE_URL;
    process.env.DB_SECRET_ARN = SECRET_ARN;
    const result = await handler();
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThan(5);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
  });

  it('reads the secret again when the database refuses the password (the secret rotated since it was read)', async () => {
    const refusing = await refusingServer();
    const url = new URL(db.url);
    const stale = {
      username: 'rampay_admin',
      password: 'before-rotation',
      host: '127.0.0.1',
      port: refusing.port,
    };
    const rotated = {
      username: decodeURIComponent(url.username),
      password: 'after-rotation',
      host: url.hostname,
      port: Number(url.port || 5432),
      dbname: url.pathname.slice(1),
    };
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolvesOnce({ SecretString: JSON.stringify(stale) })
      .resolves({ SecretString: JSON.stringify(rotated) });
    delete process.env.DATABASE_URL;
    process.env.DB_SECRET_ARN = SECRET_ARN;
    try {
      const result = await handler();
      expect(result.alreadyApplied).toBeGreaterThan(5);
      expect(refusing.refused).toBe(1);
      expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    } finally {
      refusing.server.close();
    }
  });
});

/** A server that answers every PostgreSQL sign-in with "password authentication failed" (SQLSTATE 28P01). */
async function refusingServer(): Promise<{ server: net.Server; port: number; refused: number }> {
  const state = { refused: 0 };
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      const fields = Buffer.concat([
        ...[
          ['S', 'FATAL'],
          ['V', 'FATAL'],
          ['C', '28P01'],
          ['M', 'password authentication failed for user "rampay_admin"'],
        ].map(([code, text]) => Buffer.from(`${code}${text}\0`)),
        Buffer.from([0]),
      ]);
      const header = Buffer.alloc(5);
      header.write('E', 0);
      header.writeInt32BE(fields.length + 4, 1);
      state.refused++;
      socket.end(Buffer.concat([header, fields]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    get refused() {
      return state.refused;
    },
  };
}
