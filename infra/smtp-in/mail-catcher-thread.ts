import { Worker } from 'node:worker_threads';
import type { CaughtMessage, MailCatcher, MailCatcherOptions } from './mail-catcher.js';

/** A question to the catcher's thread, and its answer. */
type Question = { op: 'list' } | { op: 'get' | 'readRaw'; messageId: string } | { op: 'close' };
export type CatcherRequest = Question & { id: number };
export type CatcherAnswer = { id: number; value: unknown } | { id: number; error: string };
/** What the thread says once: listening, or why it could not. */
export type CatcherStart = { started: { host: string; port: number; url: string } } | { failed: string };

/** The thread's entry, as a TypeScript source when run by tsx or vitest, or compiled JavaScript. */
function threadEntry(): { url: URL; execArgv: string[] } {
  const typescript = import.meta.url.endsWith('.ts');
  return {
    url: new URL(`./mail-catcher-worker.${typescript ? 'ts' : 'js'}`, import.meta.url),
    execArgv: typescript ? ['--import', 'tsx'] : [],
  };
}

/**
 * The mail catcher of `startMailCatcher`, on a thread of its own: receiving, parsing and storing
 * each message (two files written and synced) then use the second core instead of the worker's
 * event loop, which sends them. Same options, same interface, same folder.
 */
export async function startMailCatcherThread(options: MailCatcherOptions): Promise<MailCatcher> {
  const { url, execArgv } = threadEntry();
  const thread = new Worker(url, { workerData: options, execArgv });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let lastId = 0;
  let gone: Error | undefined;
  const fail = (error: Error) => {
    gone ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`The mail catcher's thread stopped (exit code ${code}).`)));

  const started = await new Promise<{ host: string; port: number; url: string }>((resolve, reject) => {
    thread.once('message', (start: CatcherStart) =>
      'started' in start ? resolve(start.started) : reject(new Error(start.failed)),
    );
    thread.once('error', reject);
  }).catch(async (error: unknown) => {
    await thread.terminate();
    throw error;
  });
  thread.on('message', (answer: CatcherAnswer) => {
    const pending = waiting.get(answer.id);
    waiting.delete(answer.id);
    if ('error' in answer) pending?.reject(new Error(answer.error));
    else pending?.resolve(answer.value);
  });

  function ask<T>(question: Question): Promise<T> {
    if (gone) return Promise.reject(gone);
    const id = ++lastId;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      thread.postMessage({ ...question, id });
    });
  }

  return {
    ...started,
    list: () => ask<CaughtMessage[]>({ op: 'list' }),
    get: (messageId) => ask<CaughtMessage | null>({ op: 'get', messageId }),
    // A Buffer crosses the thread as a plain Uint8Array.
    readRaw: async (messageId) => {
      const raw = await ask<Uint8Array | null>({ op: 'readRaw', messageId });
      return raw && Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    },
    close: async () => {
      if (!gone) await ask({ op: 'close' });
      await thread.terminate();
    },
  };
}
