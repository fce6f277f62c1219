/**
 * A value built once per container (per Lambda execution environment) on first use, and shared by every
 * invocation after it. A build that fails is forgotten, so the next call builds again rather than failing
 * forever: a database that was briefly unreachable at cold start must not poison the container.
 */
export interface Memo<T> {
  (): Promise<T>;
  /** Forgets the value: the next call builds it again (the local platform, tests). */
  reset(): void;
}

/**
 * `build`, memoised. Creating a memo builds nothing: mark it pure (`@__PURE__`) where it is created at module
 * level, so that a bundle that never calls it leaves it out, and what only `build` imports.
 */
export function memo<T>(build: () => Promise<T>): Memo<T> {
  let value: Promise<T> | undefined;
  const get = (): Promise<T> => {
    if (!value) {
      const building = build();
      value = building;
      building.catch(() => {
        if (value === building) value = undefined;
      });
    }
    return value;
  };
  return Object.assign(get, {
    reset: () => {
      value = undefined;
    },
  });
}
