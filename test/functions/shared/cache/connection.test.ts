import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  CacheConnection,
  CacheUnavailableError,
  settingsFromEnvironment,
} from '../../../../functions/shared/cache/connection';
import { RedisCacheStore } from '../../../../functions/shared/cache/redis-store';
import { onRedis } from '../../../support/cache';

const redisUrl = process.env.REDIS_URL ?? '';

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(condition()).toBe(true);
}

describe('where the cache is', () => {
  it('is the REDIS_URL server, else ElastiCache with an IAM-signed password, else the in-process store', () => {
    expect(settingsFromEnvironment({ REDIS_URL: 'redis://127.0.0.1:6390/2' })).toEqual({
      url: 'redis://127.0.0.1:6390/2',
    });
    expect(settingsFromEnvironment({})).toBeUndefined();
    const aws = settingsFromEnvironment({
      CACHE_ENDPOINT: 'rampay-dev-x.serverless.euw1.cache.amazonaws.com:6379',
      CACHE_NAME: 'rampay-dev',
      CACHE_USER: 'rampay-dev-app',
      AWS_REGION: 'eu-west-1',
    });
    expect(aws).toMatchObject({
      cluster: { host: 'rampay-dev-x.serverless.euw1.cache.amazonaws.com', port: 6379 },
      username: 'rampay-dev-app',
    });
    expect(typeof aws?.password).toBe('function');
  });

  it('says what is missing for IAM authentication, and refuses an endpoint without a port', () => {
    expect(() => settingsFromEnvironment({ CACHE_ENDPOINT: 'cache.example:6379', AWS_REGION: 'x' })).toThrow(
      'set CACHE_NAME, CACHE_USER with CACHE_ENDPOINT',
    );
    expect(() => settingsFromEnvironment({ CACHE_ENDPOINT: 'cache.example' })).toThrow('host:port');
  });
});

(onRedis ? describe : describe.skip)('the connection to a server whose password expires (REDIS_URL)', () => {
  const user = `rampay-test-${randomBytes(4).toString('hex')}`;
  const keyPrefix = `${user}:`;
  let admin: Redis;
  let password = `first-${randomBytes(8).toString('hex')}`;
  const issued: string[] = [];
  const connection = new CacheConnection(() =>
    RedisCacheStore.connect({
      url: redisUrl,
      username: user,
      password: async () => {
        issued.push(password);
        return password;
      },
      keyPrefix,
    }),
  );

  beforeAll(async () => {
    admin = new Redis(redisUrl);
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, `~${keyPrefix}*`, '+@all');
  });
  afterAll(async () => {
    await connection.close();
    await admin.call('ACL', 'DELUSER', user);
    await admin.quit();
  });

  it('connects anew with a fresh password once the server has closed the connection', async () => {
    const first = await connection.get();
    await first.set('kept', 'yes', 60);
    expect(await connection.get()).toBe(first);

    // The old password stops working and the server drops the connection (as ElastiCache does after 12 hours).
    password = `second-${randomBytes(8).toString('hex')}`;
    await admin.call('ACL', 'SETUSER', user, 'resetpass', `>${password}`);
    await admin.call('CLIENT', 'KILL', 'USER', user);
    await until(() => !first.usable());

    const second = await connection.get();
    expect(second).not.toBe(first);
    expect(second.usable()).toBe(true);
    expect(await second.get('kept')).toBe('yes');
    expect(issued).toHaveLength(2);
    expect(issued[1]).toBe(password);
  });

  it('gives up at once for a while after a refused sign-in, instead of every call waiting', async () => {
    const refused = new CacheConnection(() =>
      RedisCacheStore.connect({ url: redisUrl, username: user, password: async () => 'wrong' }),
    );
    await expect(refused.get()).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(refused.get()).rejects.toThrow('the cache is unreachable');
    expect(issued.length).toBeLessThanOrEqual(2);
  });
});
