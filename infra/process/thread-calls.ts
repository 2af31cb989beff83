import { Worker } from 'node:worker_threads';

/** Starts `<name>.ts` beside `base` (an `import.meta.url`) under tsx or vitest, or `<name>.js` once compiled. */
export function startThread(base: string, name: string, workerData: unknown): Worker {
  const typescript = base.endsWith('.ts');
  return new Worker(new URL(`./${name}.${typescript ? 'ts' : 'js'}`, base), {
    workerData,
    execArgv: typescript ? ['--import', 'tsx'] : [],
  });
}

/**
 * Calls to a thread, each answered by its id: `call` posts a request and waits for its answer, `settle` hands an
 * answer to its call (`outcome` reads it as a value or an error), and every call waiting fails at once when the
 * thread errs or stops.
 */
export function threadCalls<A extends { id: number }>(
  thread: Worker,
  what: string,
  outcome: (answer: A) => { value: unknown } | { error: Error },
) {
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let lastId = 0;
  let gone: Error | undefined;
  const fail = (error: Error) => {
    gone ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`${what} stopped (exit code ${code}).`)));
  return {
    get gone(): Error | undefined {
      return gone;
    },
    call<T>(request: object): Promise<T> {
      if (gone) return Promise.reject(gone);
      const id = ++lastId;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        thread.postMessage({ ...request, id });
      });
    },
    settle(answer: A): void {
      const pending = waiting.get(answer.id);
      waiting.delete(answer.id);
      const result = outcome(answer);
      if ('error' in result) pending?.reject(result.error);
      else pending?.resolve(result.value);
    },
  };
}
