import { startThread, threadCalls } from '../process/thread-calls.js';
import type { CaughtMessage, MailCatcher, MailCatcherOptions } from './mail-catcher.js';

/** A question to the catcher's thread, and its answer. */
type Question = { op: 'list' } | { op: 'get' | 'readRaw'; messageId: string } | { op: 'close' };
export type CatcherRequest = Question & { id: number };
export type CatcherAnswer = { id: number; value: unknown } | { id: number; error: string };
/** What the thread says once: listening, or why it could not. */
export type CatcherStart = { started: { host: string; port: number; url: string } } | { failed: string };

/**
 * The mail catcher of `startMailCatcher`, on a thread of its own: receiving, parsing and storing
 * each message (appended to its log and synced) then use the second core instead of the worker's
 * event loop, which sends them. Same options, same interface, same folder.
 */
export async function startMailCatcherThread(options: MailCatcherOptions): Promise<MailCatcher> {
  const thread = startThread(import.meta.url, 'mail-catcher-worker', options);
  const calls = threadCalls<CatcherAnswer>(thread, "The mail catcher's thread", (answer) =>
    'error' in answer ? { error: new Error(answer.error) } : { value: answer.value },
  );

  const started = await new Promise<{ host: string; port: number; url: string }>((resolve, reject) => {
    thread.once('message', (start: CatcherStart) =>
      'started' in start ? resolve(start.started) : reject(new Error(start.failed)),
    );
    thread.once('error', reject);
  }).catch(async (error: unknown) => {
    await thread.terminate();
    throw error;
  });
  thread.on('message', calls.settle);
  const ask = <T>(question: Question): Promise<T> => calls.call<T>(question);

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
      if (!calls.gone) await ask({ op: 'close' });
      await thread.terminate();
    },
  };
}
