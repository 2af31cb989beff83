import { parseCharter, type Charter } from '../domain/charter.js';
import { planPeriod, recordedPlanLifecycle, type PlanLifecycle } from '../domain/plan-actions.js';
import type { ConventionStore } from '../store/conventions/convention-store.js';
import type { PlanStore } from '../store/plans/plan-store.js';

/** What the plan's workflow reads at its start. */
export interface PlanFacts {
  period: string;
  lifecycle: PlanLifecycle;
  charter: Charter;
  zone: string;
  /** The plan's page, for the mails. */
  pageUrl: string;
}

export interface PlanActivityDependencies {
  plans: PlanStore;
  conventions: ConventionStore;
  publicUrl: string;
}

/** Activities of the plan d'actions: its record, its steps, its audiences. */
export function createPlanActivities({ plans, conventions, publicUrl }: PlanActivityDependencies) {
  return {
    /** The plan as recorded (a restarted workflow goes on from there), its charter and its page's address. */
    async loadPlanFacts({ planId }: { planId: string }): Promise<PlanFacts> {
      const plan = await plans.findFacts(planId);
      return {
        period: planPeriod(plan.startYear, plan.endYear),
        lifecycle: recordedPlanLifecycle(plan.stage, plan.history, plan.createdAt),
        charter: parseCharter(plan.charter),
        zone: plan.zone,
        pageUrl: `${publicUrl.replace(/\/+$/, '')}/plan-actions`,
      };
    },

    /** Moves the plan to the step's stage with its history and audit line; a retry changes nothing. */
    recordPlanStep: plans.recordStep,

    /** The addresses of an instance kind's members (of some roles only, when given), lower-cased and sorted. */
    planAudience: conventions.listInstanceMembers,
  };
}

export type PlanActivities = ReturnType<typeof createPlanActivities>;
