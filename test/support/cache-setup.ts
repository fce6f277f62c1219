/**
 * Each test file's cache: with REDIS_URL, keys under a prefix of its own (test files run in parallel and a
 * developer's Redis may hold other keys), and the connection closed after the file.
 */
import { randomBytes } from 'node:crypto';
import { closeSharedCache } from '../../functions/shared/cache/connection';

process.env.REDIS_KEY_PREFIX = `rampay-test:${randomBytes(6).toString('hex')}:`;

afterAll(async () => {
  await closeSharedCache();
});
