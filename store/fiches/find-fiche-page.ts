import type { PrismaClient } from '../../generated/prisma/client.js';

/** A decision taken on a fiche, as its page lists it. */
export interface FichePageDecision {
  version: number | null;
  stage: string;
  outcome: string;
  comment: string | null;
  actorEmail: string;
  decidedAt: Date;
  instance: { name: string } | null;
  meeting: { id: string; title: string } | null;
}

/** A fiche's heading and its decisions, for its page. */
export interface FichePageRow {
  id: string;
  code: string;
  status: string;
  authorEmail: string;
  workflowId: string | null;
  conventionId: string;
  gtt: { name: string } | null;
  /** In the order they were taken. */
  decisions: FichePageDecision[];
}

/** A fiche's heading and its decisions, in the order they were taken, for its page. */
export async function findFichePage(prisma: PrismaClient, ficheId: string): Promise<FichePageRow | null> {
  return prisma.ficheAction.findUnique({
    where: { id: ficheId },
    select: {
      id: true,
      code: true,
      status: true,
      authorEmail: true,
      workflowId: true,
      conventionId: true,
      gtt: { select: { name: true } },
      decisions: {
        orderBy: { decidedAt: 'asc' },
        select: {
          version: true,
          stage: true,
          outcome: true,
          comment: true,
          actorEmail: true,
          decidedAt: true,
          instance: { select: { name: true } },
          meeting: { select: { id: true, title: true } },
        },
      },
    },
  });
}
