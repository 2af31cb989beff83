import type { PlanHistoryEntry, PlanStage } from '../../domain/plan-actions.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface PlanStepInput {
  planId: string;
  conventionId: string;
  /** The step's number in the plan's history (1 for the first): a retry finds it written and changes nothing. */
  epoch: number;
  idempotencyKey: string;
  entry: PlanHistoryEntry;
}

/** Moves the plan to the step's stage, appends the step to its history and writes its audit line, all at once. */
export async function recordPlanStep(db: PrismaClient, input: PlanStepInput): Promise<{ stage: PlanStage }> {
  return db.$transaction(async (tx) => {
    const plan = await tx.planActions.findUniqueOrThrow({ where: { id: input.planId } });
    const history = (plan.history as PlanHistoryEntry[] | null) ?? [];
    if (history.length >= input.epoch) return { stage: plan.stage as PlanStage };
    await tx.planActions.update({
      where: { id: input.planId },
      data: { stage: input.entry.to, history: [...history, input.entry] as object[] },
    });
    await tx.auditEvent.create({
      data: {
        key: input.idempotencyKey,
        actor: input.entry.by,
        action: `plan.${input.entry.action}`,
        subject: `plan:${input.planId}`,
        details: { conventionId: input.conventionId, ...input.entry },
        at: new Date(input.entry.at),
      },
    });
    return { stage: input.entry.to };
  });
}
