import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { firstCycleYear } from '../domain/convention-cycle.js';
import { localDateKey } from '../domain/paris-time.js';
import type { Store } from '../store/index.js';
import { startRetention } from './start-retention.js';
import { conventionWorkflowId, type ConventionCycleInput } from '../workflows/convention-definitions.js';

export interface StartedCycle {
  workflowId: string;
  /** The year the running cycle covers, when this call started it. */
  year?: number;
  /** False when the cycle was already running: nothing was started. */
  started: boolean;
}

/**
 * Starts the convention's cycle (evaluation campaigns, the COPIL's reviews, prolongations) for
 * the current year, unless it already runs: calling it again changes nothing; and its retention
 * workflow (personal data anonymised after the end plus the retention period).
 */
export async function startConventionCycle(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  now = new Date(),
): Promise<StartedCycle> {
  // Every convention whose cycle runs has its personal data's clock too (starting it again only has it re-read).
  await startRetention(deps, conventionId);
  const workflowId = conventionWorkflowId(conventionId);
  const handle = deps.client.workflow.getHandle(workflowId);
  const running = await handle.describe().then(
    (d) => d.status.name === 'RUNNING',
    () => false,
  );
  if (running) return { workflowId, started: false };
  const convention = await deps.store.conventions.findDates(conventionId);
  const input: ConventionCycleInput = {
    conventionId,
    year: firstCycleYear(convention.startDate, convention.endDate, localDateKey(now, convention.zone)),
  };
  try {
    await deps.client.workflow.start('conventionCycleWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [input],
    });
  } catch (error) {
    // Started by another request in between: the same outcome.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw error;
  }
  return { workflowId, year: input.year, started: true };
}
