import type { Client } from '@temporalio/client';
import type { Actor } from '../domain/lifecycle/model.js';
import type { PlanActionKind } from '../domain/plan-actions.js';
import type { Store } from '../store/index.js';
import { advancePlanUpdate, planWorkflowId, type PlanActionsState } from '../workflows/plan-actions-definitions.js';

/**
 * Takes one step of the convention's plan d'actions as `actor`: its workflow's update, whose
 * validator reads `input` with the plan's schema and checks the stage and the role (French errors);
 * null when the convention has no plan opened. The API and the page both go through here.
 */
export async function advancePlan(
  deps: { client: Client; store: Store },
  conventionId: string,
  kind: PlanActionKind,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<PlanActionsState | null> {
  const plan = await deps.store.plans.find({ conventionId });
  if (!plan) return null;
  return deps.client.workflow
    .getHandle(plan.workflowId ?? planWorkflowId(plan.id))
    .executeUpdate(advancePlanUpdate, { args: [{ ...input, kind, actor } as never] });
}
