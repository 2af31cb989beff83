import type { Client } from '@temporalio/client';
import {
  retentionChangedSignal,
  retentionWorkflowId,
  type RetentionInput,
} from '../workflows/retention-definitions.js';

/**
 * Starts the convention's retention workflow, or tells the running one that its end or its
 * retention period changed (it reads them again). Once the convention is anonymised, a new run
 * finds it recorded and ends at once: calling this again is harmless.
 */
export async function startRetention(
  deps: { client: Client; taskQueue: string },
  conventionId: string,
): Promise<{ workflowId: string }> {
  const workflowId = retentionWorkflowId(conventionId);
  const input: RetentionInput = { conventionId };
  await deps.client.workflow.signalWithStart('retentionWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [input],
    signal: retentionChangedSignal,
    signalArgs: [],
  });
  return { workflowId };
}
