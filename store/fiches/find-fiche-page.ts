import type { PrismaClient } from '../../generated/prisma/client.js';

/** A fiche's heading and its decisions, in the order they were taken, for its page. */
export async function findFichePage(prisma: PrismaClient, ficheId: string) {
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

export type FichePageRow = NonNullable<Awaited<ReturnType<typeof findFichePage>>>;
