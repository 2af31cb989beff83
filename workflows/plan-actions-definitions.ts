import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/lifecycle/model.js';
import type { PlanActionKind, PlanBureauOutcome, PlanLifecycle, PlanTiming } from '../domain/plan-actions.js';

export interface PlanActionsInput {
  planId: string;
  conventionId: string;
  timing?: Partial<PlanTiming>;
}

export interface PlanActionsState {
  planId: string;
  /** « 2023-2027 »; empty until the workflow has read its plan. */
  period: string;
  lifecycle: PlanLifecycle;
  /** The reminders of the current stage sent so far, by their instant (ISO). */
  remindersSent: string[];
  /** When the next reminder falls (ISO), if one is still due at this stage. */
  nextReminder: string | null;
}

/** One step of the plan, as the person taking it sends it. */
export interface AdvancePlanInput {
  kind: PlanActionKind;
  actor: Actor;
  outcome?: PlanBureauOutcome;
  comment?: string;
}

/** One step of the plan: the validator refuses a wrong stage, role or input before anything enters history. */
export const advancePlanUpdate = defineUpdate<PlanActionsState, [AdvancePlanInput]>('advancePlan');

export const planActionsStateQuery = defineQuery<PlanActionsState>('planActionsState');

/** One workflow per plan d'actions. */
export function planWorkflowId(planId: string): string {
  return `plan-actions-${planId}`;
}
