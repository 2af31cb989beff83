import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { findPlan, findPlanFacts, openPlan } from './open-plan.js';
import { loadPlanTree } from './load-plan-tree.js';
import { recordPlanStep } from './record-plan-step.js';

/** Plans d'actions: the record of each (stage, steps taken) and the tree they gather. */
export function createPlanStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    open: bind(openPlan),
    find: bind(findPlan),
    findFacts: bind(findPlanFacts),
    recordStep: bind(recordPlanStep),
    loadTree: bind(loadPlanTree),
  };
}

export type PlanStore = ReturnType<typeof createPlanStore>;
