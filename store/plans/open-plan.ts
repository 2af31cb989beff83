import { randomUUID } from 'node:crypto';
import type { PlanHistoryEntry, PlanStage } from '../../domain/plan-actions.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** A plan d'actions as recorded: its period, stage and the steps taken, oldest first. */
export interface PlanRecord {
  id: string;
  conventionId: string;
  startYear: number;
  endYear: number;
  stage: PlanStage;
  history: PlanHistoryEntry[];
  workflowId: string | null;
  /** When the plan was opened (ISO): its élaboration began then. */
  createdAt: string;
}

const asRecord = (row: {
  id: string;
  conventionId: string;
  startYear: number;
  endYear: number;
  stage: string;
  history: unknown;
  workflowId: string | null;
  createdAt: Date;
}): PlanRecord => ({
  id: row.id,
  conventionId: row.conventionId,
  startYear: row.startYear,
  endYear: row.endYear,
  stage: row.stage as PlanStage,
  history: (row.history as PlanHistoryEntry[] | null) ?? [],
  workflowId: row.workflowId,
  createdAt: row.createdAt.toISOString(),
});

/**
 * The plan of the convention for the period, created at the élaboration stage when there is none
 * yet; opening it again gives the same record.
 */
export async function openPlan(
  db: PrismaClient,
  input: { conventionId: string; startYear: number; endYear: number; workflowIdOf: (planId: string) => string },
): Promise<PlanRecord> {
  const { conventionId, startYear, endYear } = input;
  const id = randomUUID();
  const row = await db.planActions.upsert({
    where: { conventionId_startYear_endYear: { conventionId, startYear, endYear } },
    create: { id, conventionId, startYear, endYear, workflowId: input.workflowIdOf(id) },
    update: {},
  });
  return asRecord(row);
}

/** The convention's plan for that period, else its latest one; null when it has none. */
export async function findPlan(
  db: PrismaClient,
  { conventionId, period }: { conventionId: string; period?: { startYear: number; endYear: number } },
): Promise<PlanRecord | null> {
  const row = await db.planActions.findFirst({
    where: { conventionId, ...(period ?? {}) },
    orderBy: [{ startYear: 'desc' }, { createdAt: 'desc' }],
  });
  return row && asRecord(row);
}

/** What the plan's workflow reads at its start: the plan as recorded, its convention's zone and charter. */
export async function findPlanFacts(
  db: PrismaClient,
  planId: string,
): Promise<PlanRecord & { zone: string; charter: unknown }> {
  const row = await db.planActions.findUniqueOrThrow({
    where: { id: planId },
    include: { convention: { select: { timezone: true, charter: true } } },
  });
  return {
    ...asRecord(row),
    zone: row.convention.timezone,
    charter: row.convention.charter,
  };
}
