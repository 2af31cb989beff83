import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { planPeriod, planPeriodOf } from '../domain/plan-actions.js';
import type { Store } from '../store/index.js';
import { planWorkflowId, type PlanActionsInput } from '../workflows/plan-actions-definitions.js';

export interface StartedPlan {
  planId: string;
  period: string;
  workflowId: string;
  /** False when its workflow already runs, or has ended with the plan presented: nothing was started. */
  started: boolean;
}

/**
 * Opens the convention's plan d'actions for the period (the convention's years unless `period`
 * names others) and starts its workflow, unless it runs or has ended: calling it again changes
 * nothing. A workflow stopped by hand is started again and goes on from the recorded stage.
 */
export async function startPlanActions(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  period?: unknown,
): Promise<StartedPlan> {
  const dates = await deps.store.conventions.findDates(conventionId);
  const { startYear, endYear } = planPeriodOf(period, dates);
  const plan = await deps.store.plans.open({ conventionId, startYear, endYear, workflowIdOf: planWorkflowId });
  const workflowId = plan.workflowId ?? planWorkflowId(plan.id);
  const found = { planId: plan.id, period: planPeriod(startYear, endYear), workflowId };
  const status = await deps.client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      (d) => d.status.name,
      () => null,
    );
  if (status === 'RUNNING' || status === 'COMPLETED') return { ...found, started: false };
  const input: PlanActionsInput = { planId: plan.id, conventionId };
  try {
    await deps.client.workflow.start('planActionsWorkflow', { taskQueue: deps.taskQueue, workflowId, args: [input] });
  } catch (error) {
    // Started by another request in between: the same outcome.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { ...found, started: false };
    throw error;
  }
  return { ...found, started: true };
}
