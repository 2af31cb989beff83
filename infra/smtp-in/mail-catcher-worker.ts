import { parentPort, workerData } from 'node:worker_threads';
import { startMailCatcher, type MailCatcherOptions } from './mail-catcher.js';
import type { CatcherAnswer, CatcherRequest, CatcherStart } from './mail-catcher-thread.js';

// The mail catcher's thread (mail-catcher-thread.ts): starts the catcher, then answers the main
// thread's questions about what it caught.

const port = parentPort!;
const say = (message: CatcherStart | CatcherAnswer) => port.postMessage(message);

try {
  const catcher = await startMailCatcher(workerData as MailCatcherOptions);
  say({ started: { host: catcher.host, port: catcher.port, url: catcher.url } });
  const answer = async (request: CatcherRequest): Promise<void> => {
    try {
      const value =
        request.op === 'list'
          ? await catcher.list()
          : request.op === 'get'
            ? await catcher.get(request.messageId)
            : request.op === 'readRaw'
              ? await catcher.readRaw(request.messageId)
              : await catcher.close();
      say({ id: request.id, value });
    } catch (error) {
      say({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  };
  port.on('message', (request: CatcherRequest) => void answer(request));
} catch (error) {
  say({ failed: error instanceof Error ? error.message : String(error) });
}
