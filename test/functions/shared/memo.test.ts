import { memo } from '../../../functions/shared/memo';

describe('memo (a value built once per container)', () => {
  it('builds nothing until called, then builds once and shares the value', async () => {
    let builds = 0;
    const value = memo(async () => ({ build: ++builds }));
    expect(builds).toBe(0);
    const [a, b] = await Promise.all([value(), value()]);
    expect(await value()).toBe(a);
    expect(b).toBe(a);
    expect(builds).toBe(1);
  });

  it('forgets a failed build, so the next call builds again', async () => {
    let builds = 0;
    const value = memo(async () => {
      builds += 1;
      if (builds === 1) throw new Error('database unreachable');
      return builds;
    });
    await expect(value()).rejects.toThrow('database unreachable');
    expect(await value()).toBe(2);
    expect(await value()).toBe(2);
  });

  it('builds again after reset', async () => {
    let builds = 0;
    const value = memo(async () => ++builds);
    expect(await value()).toBe(1);
    value.reset();
    expect(await value()).toBe(2);
  });
});
