import { PLAN_STAGE_LABELS, planPeriod } from '../domain/plan-actions.js';
import { buildPlanTree, planFicheCount, type PlanTree } from '../domain/plan-actions-tree.js';
import type { Store } from '../store/index.js';
import type { PlanConvention } from '../store/plans/load-plan-tree.js';
import type { PlanRecord } from '../store/plans/open-plan.js';

/** The plan d'actions as its page, its document and the API show it. */
export interface PlanActionsView {
  convention: PlanConvention;
  /** Null while no plan is opened for the convention: the tree still shows what it would gather. */
  plan: PlanRecord | null;
  period: string;
  stageLabel: string;
  tree: PlanTree;
  ficheCount: number;
}

/** The convention's latest plan d'actions (else the convention's years), with the tree of its fiches. */
export async function loadPlanActionsView(store: Store, conventionId: string): Promise<PlanActionsView> {
  const [plan, { convention, enjeux, fiches }] = await Promise.all([
    store.plans.find({ conventionId }),
    store.plans.loadTree(conventionId),
  ]);
  const tree = buildPlanTree(enjeux, fiches);
  return {
    convention,
    plan,
    period: plan ? planPeriod(plan.startYear, plan.endYear) : planPeriod(convention.startYear, convention.endYear),
    stageLabel: plan ? PLAN_STAGE_LABELS[plan.stage] : 'pas encore ouvert',
    tree,
    ficheCount: planFicheCount(tree),
  };
}
