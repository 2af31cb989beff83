import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Database } from '../../store/database/open-database.js';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { openTestDatabase } from './database.js';
import { startTestWorker, type TestWorker } from './test-worker.js';
import { privateTimeSkippingEnv } from './time-skipping.js';

/** A time-skipping server of the file's own, PGlite with the demo convention, a worker mailing a catcher. */
export interface DemoStack {
  env: TestWorkflowEnvironment;
  db: Database;
  worker: TestWorker;
  catcher: MailCatcher;
  taskQueue: string;
  /** The demo convention's id. */
  conventionId: string;
  /** Stops the worker, closes the database, tears the server down. */
  stop(): Promise<void>;
}

export async function startDemoStack(name: string): Promise<DemoStack> {
  const [env, db] = await Promise.all([privateTimeSkippingEnv(), openTestDatabase('pglite')]);
  const worker = await startTestWorker(env, db, name);
  await loadDemo(db.prisma);
  const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  return {
    env,
    db,
    worker,
    catcher: worker.catcher,
    taskQueue: worker.taskQueue,
    conventionId,
    async stop() {
      await worker.stop();
      await db.close();
      await env.teardown();
    },
  };
}
