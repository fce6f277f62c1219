import { decodeJwt } from 'jose';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalJwtIssuer } from '../../../lib/local/jwt-issuer';
import { recordRunningPlatform } from '../../../lib/local/running-platform';
import { runTokenCommand } from '../../../lib/local/token-command';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rampay-token-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTokenCommand(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run token', () => {
  it("signs with the running platform's key, found through the running record, for the dev merchant by default", async () => {
    const platformDir = path.join(dir, 'platform-data');
    const issuer = await LocalJwtIssuer.open(platformDir);
    const file = path.join(dir, 'running.json');
    await recordRunningPlatform(
      {
        pid: process.pid,
        url: 'http://127.0.0.1:1',
        dataDir: platformDir,
        startedAt: new Date().toISOString(),
      },
      file,
    );
    const { code, out } = await run([], { RAMPAY_RUNNING_FILE: file });
    expect(code).toBe(0);
    const claims = await issuer.verify(out.trim());
    expect(claims.merchant_id).toBe('merchant_dev');
    expect(String(claims.scope)).toContain('payments:write');

    const other = await run(['--merchant', 'merchant_b', '--scopes', 'payments:read'], {
      RAMPAY_RUNNING_FILE: file,
    });
    expect(decodeJwt(other.out.trim())).toMatchObject({ merchant_id: 'merchant_b', scope: 'payments:read' });
  });

  it('ignores the record of a platform whose process has ended', async () => {
    const file = path.join(dir, 'running.json');
    await recordRunningPlatform(
      { pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:1', dataDir: path.join(dir, 'gone'), startedAt: '' },
      file,
    );
    const dataDir = path.join(dir, 'explicit');
    const issuer = await LocalJwtIssuer.open(dataDir);
    const { code, out } = await run([], { RAMPAY_RUNNING_FILE: file, RAMPAY_DATA_DIR: dataDir });
    expect(code).toBe(0);
    await expect(issuer.verify(out.trim())).resolves.toBeDefined();
  });

  it('makes no key of its own: without one it fails with a sentence naming the data folder it used', async () => {
    const empty = path.join(dir, 'empty');
    const { code, out, err } = await run([], {
      RAMPAY_RUNNING_FILE: path.join(dir, 'none.json'),
      RAMPAY_DATA_DIR: empty,
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`No signing key in ${empty} (used because of RAMPAY_DATA_DIR)`);
    expect(err).toContain('npm start');
    expect(existsSync(path.join(empty, 'jwt-signing-key.json'))).toBe(false);
  });

  it('refuses a merchant id the platform would refuse, an unknown scope and a bad ttl', async () => {
    const env = { RAMPAY_DATA_DIR: dir, RAMPAY_RUNNING_FILE: path.join(dir, 'none.json') };
    await LocalJwtIssuer.open(dir);
    expect((await run(['--merchant', 'a b'], env)).code).toBe(2);
    expect((await run(['--scopes', 'payments:steal'], env)).err).toContain(
      'unknown scope(s): payments:steal',
    );
    expect((await run(['--ttl', '0'], env)).code).toBe(2);
  });
});
