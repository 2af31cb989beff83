import { REVIEW_STAGES, type Stage } from '../../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** Stages at which a fiche may wait for a body's meeting: under review (an amendment's, en œuvre), not in draft. */
const AWAITING_A_BODY: Stage[] = [...REVIEW_STAGES.filter((stage) => stage !== 'brouillon'), 'en_oeuvre'];

/** The workflows of the fiches still under review: some may wait for a meeting of this body. */
export async function listFichesUnderReview(
  db: PrismaClient,
  { conventionId }: { conventionId: string },
): Promise<string[]> {
  const fiches = await db.ficheAction.findMany({
    where: { conventionId, workflowId: { not: null }, status: { in: AWAITING_A_BODY } },
    select: { workflowId: true },
    orderBy: { createdAt: 'asc' },
  });
  return fiches.map((f) => f.workflowId!);
}
