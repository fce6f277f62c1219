import { backoffMs, nextAttemptAt, nominalSchedule, retryWindowMs } from '../../../functions/webhooks';

const DAY = 24 * 60 * 60 * 1000;

it('waits 5 s after the first failure, doubling up to 6 hours apart, each wait jittered between half and all of it', () => {
  expect(backoffMs(1, 1, () => 1)).toBe(5_000);
  expect(backoffMs(1, 1, () => 0)).toBe(2_500);
  expect(backoffMs(2, 1, () => 1)).toBe(10_000);
  expect(backoffMs(13, 1, () => 1)).toBe(20_480_000);
  expect(backoffMs(14, 1, () => 1)).toBe(6 * 3600 * 1000);
  expect(backoffMs(40, 1, () => 1)).toBe(6 * 3600 * 1000);
});

it('stops after the last attempt that fits in 3 days from the start of the window', () => {
  const start = new Date('2026-12-01T00:00:00Z');
  expect(nextAttemptAt(start, new Date(start.getTime() + DAY), 14, 1, () => 1)).toEqual(
    new Date(start.getTime() + DAY + 6 * 3600 * 1000),
  );
  expect(
    nextAttemptAt(start, new Date(start.getTime() + 3 * DAY - 3600 * 1000), 20, 1, () => 1),
  ).toBeUndefined();
  const waits = nominalSchedule();
  expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3 * DAY);
  expect(waits.length).toBeGreaterThan(20);
});

it('scales every wait and the window alike', () => {
  expect(retryWindowMs(0.001)).toBe(3 * DAY * 0.001);
  expect(backoffMs(1, 0.001, () => 1)).toBe(5);
  const start = new Date();
  expect(nextAttemptAt(start, new Date(start.getTime() + retryWindowMs(0.001)), 1, 0.001)).toBeUndefined();
});
