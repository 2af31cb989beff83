import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, type NativeConnection, Worker } from '@temporalio/worker';

/** A worker of the bare workflow (bench/workflows/bare-workflow.ts), the floor the benches compare with. */
export async function createBareWorker(connection: NativeConnection, taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./workflows/bare-workflow.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    }),
    activities: { touch: async (step: number) => step },
  });
}
