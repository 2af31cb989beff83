import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Database } from '../../store/database/open-database.js';
import { startMailCatcher, type MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { createConcertoWorker } from '../../worker/create-worker.js';
import { TEST_LINKS, uniqueTaskQueue, workflowBundle } from './temporal.js';
import { createStore } from '../../store/index.js';

/** A Concerto worker with its real activities, on a task queue of its own, mailing a catcher. */
export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  catcher: MailCatcher;
  /** Shuts the worker down, then the transport and the catcher, and removes the caught mail. */
  stop(): Promise<void>;
}

/** `smtpUrl`: mail goes to that server (a test's own SmtpSink) rather than to the catcher. */
export async function startTestWorker(
  env: TestWorkflowEnvironment,
  db: Database,
  name: string,
  options: { smtpUrl?: string } = {},
): Promise<TestWorker> {
  const outboxDir = await mkdtemp(path.join(os.tmpdir(), `concerto-${name}-outbox-`));
  const catcher = await startMailCatcher({ dir: outboxDir });
  const transport = options.smtpUrl
    ? createMailTransport({ kind: 'smtp', url: options.smtpUrl })
    : createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port });
  const taskQueue = uniqueTaskQueue(name);
  const worker = await createConcertoWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    store: createStore(db.prisma),
    transport,
    mailFrom: 'Concerto <concerto@example.org>',
    links: TEST_LINKS,
    workflowBundle: workflowBundle(),
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    catcher,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      transport.close();
      await catcher.close();
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}
