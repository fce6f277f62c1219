/**
 * The database password (an IAM token, or the migrator's secret) is sent only to a server whose certificate
 * chains to the expected authorities and names the host connected to. A stand-in server speaks just enough of
 * PostgreSQL's protocol: it accepts TLS, then refuses the sign-in, so a 28P01 proves the handshake passed.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { mockClient } from 'aws-sdk-client-mock';
import { createSql, type DatabaseSettings } from '../../../../functions/shared/db/client';
import { settingsFromEnvironment } from '../../../../functions/shared/db/connection';
import { settingsFromSecret } from '../../../../functions/shared/db/secret-settings';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-tls-'));
function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A private certificate authority and a server certificate it signs for `host`. */
function certificates(host: string) {
  const file = (name: string) => path.join(dir, `${host}-${name}`);
  const days = ['-days', '1'];
  openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', ...days, '-subj', `/CN=Test CA for ${host}`],
    ...['-keyout', file('ca.key'), '-out', file('ca.pem')],
  );
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${host}`],
    ...['-keyout', file('server.key'), '-out', file('server.csr')],
  );
  fs.writeFileSync(file('server.ext'), `subjectAltName=DNS:${host}\n`);
  openssl(
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', ...days, '-extfile', file('server.ext'), '-out', file('server.pem')],
  );
  return {
    ca: fs.readFileSync(file('ca.pem'), 'utf8'),
    key: fs.readFileSync(file('server.key')),
    cert: fs.readFileSync(file('server.pem')),
  };
}

/** Answers SSLRequest with 'S', takes the TLS handshake, then refuses any sign-in with 28P01. */
async function tlsServer(key: Buffer, cert: Buffer) {
  const state = { startups: 0 };
  const server = net.createServer((raw) => {
    raw.once('data', () => {
      raw.write('S');
      const socket = new tls.TLSSocket(raw, { isServer: true, key, cert });
      socket.on('error', () => undefined);
      socket.once('data', () => {
        state.startups++;
        const fields = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0');
        const header = Buffer.alloc(5);
        header.write('E', 0);
        header.writeInt32BE(fields.length + 4, 1);
        socket.end(Buffer.concat([header, fields]));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, state };
}

async function signInError(settings: DatabaseSettings): Promise<{ code?: string }> {
  const sql = createSql({
    ...settings,
    database: 'rampay',
    username: 'rampay_admin',
    password: 'secret',
    max: 1,
  });
  try {
    await sql`select 1`;
    throw new Error('the sign-in was accepted');
  } catch (error) {
    return error as { code?: string };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('TLS to the database (verify-full)', () => {
  const localhost = certificates('localhost');
  const elsewhere = certificates('db.rampay.test');
  let server: Awaited<ReturnType<typeof tlsServer>>;
  let other: Awaited<ReturnType<typeof tlsServer>>;
  beforeAll(async () => {
    server = await tlsServer(localhost.key, localhost.cert);
    other = await tlsServer(elsewhere.key, elsewhere.cert);
  });
  afterAll(() => {
    server.server.close();
    other.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the proxy path the five Amazon root CAs, and the migrator every RDS certificate authority', async () => {
    const proxy = settingsFromEnvironment({
      AWS_REGION: 'eu-west-1',
      DB_HOST: 'rampay-dev.proxy-abcdefghijkl.eu-west-1.rds.amazonaws.com',
      DB_USER: 'rampay_admin',
    });
    expect(proxy.ssl).toBe('verify-full');
    const names = proxy.ca!.map((pem) => new X509Certificate(pem).subject.match(/CN=(.*)/)?.[1]);
    expect([...names].sort()).toEqual([
      'Amazon Root CA 1',
      'Amazon Root CA 2',
      'Amazon Root CA 3',
      'Amazon Root CA 4',
      'Starfield Services Root Certificate Authority - G2',
    ]);

    clearCaches();
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        username: 'rampay_admin',
        password: 'p',
        host: 'db.example',
        port: 5433,
      }),
    });
    try {
      const migrator = await settingsFromSecret({
        DB_SECRET_ARN: 'arn:secret',
        AWS_REGION: 'eu-west-1',
        DB_SSL: 'verify-full',
      });
      expect(migrator.ssl).toBe('verify-full');
      const subjects = migrator.ca!.map((pem) => new X509Certificate(pem).subject);
      expect(subjects.some((s) => s.includes('CN=Amazon RDS eu-west-1 Root CA RSA2048 G1'))).toBe(true);
    } finally {
      secrets.restore();
    }
  });

  it('refuses a server whose certificate the authorities did not sign, before sending the password', async () => {
    const amazon = settingsFromEnvironment({
      AWS_REGION: 'eu-west-1',
      DB_HOST: 'localhost',
      DB_USER: 'rampay_admin',
    }).ca;
    const error = await signInError({ host: 'localhost', port: server.port, ssl: 'verify-full', ca: amazon });
    expect(error.code).toMatch(/CERT|SIGNATURE|ISSUER/);
    expect(server.state.startups).toBe(0);
  });

  it('refuses a certificate for another host name, even from a trusted authority', async () => {
    const error = await signInError({
      host: 'localhost',
      port: other.port,
      ssl: 'verify-full',
      ca: [elsewhere.ca],
    });
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(other.state.startups).toBe(0);
  });

  it('signs in to a server whose certificate chains to the authorities and names the host', async () => {
    const error = await signInError({
      host: 'localhost',
      port: server.port,
      ssl: 'verify-full',
      ca: [localhost.ca],
    });
    expect(error.code).toBe('28P01');
    expect(server.state.startups).toBe(1);
  });
});
