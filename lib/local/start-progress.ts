/** The steps of a local platform's start, as `npm start` shows them. */
export interface StartStep {
  step: 'database' | 'migrations' | 'queues' | 'consumers' | 'http';
  label: string;
  phase: 'start' | 'done';
  /** on done: what it did, e.g. "11 applied" */
  detail?: string;
  /** on done */
  ms?: number;
}

/** Runs a step, telling `onProgress` when it starts and when it is done (with what it did and how long it took). */
export function timedStep(onProgress: ((step: StartStep) => void) | undefined) {
  return async <T>(
    step: StartStep['step'],
    label: string,
    run: () => Promise<T>,
    describe?: (result: T) => string,
  ): Promise<T> => {
    const started = performance.now();
    onProgress?.({ step, label, phase: 'start' });
    const result = await run();
    onProgress?.({
      step,
      label,
      phase: 'done',
      ...(describe ? { detail: describe(result) } : {}),
      ms: performance.now() - started,
    });
    return result;
  };
}
