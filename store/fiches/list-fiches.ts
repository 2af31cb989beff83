import type { FicheSummary } from '../../domain/fiche-views.js';
import type { FollowUp } from '../../domain/lifecycle/follow-up.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** The convention's fiches, by code; `status` keeps those at one stage. */
export async function listFiches(
  prisma: PrismaClient,
  conventionId: string,
  filter: { status?: string } = {},
): Promise<FicheSummary[]> {
  const fiches = await prisma.ficheAction.findMany({
    where: { conventionId, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: { code: 'asc' },
    // Only what a board shows: a version's content (budget, indicators…) stays in the database.
    select: {
      id: true,
      code: true,
      status: true,
      authorEmail: true,
      workflowId: true,
      updatedAt: true,
      followUp: true,
      versions: {
        orderBy: { version: 'desc' },
        take: 1,
        select: { version: true, title: true, pilote: { select: { email: true } } },
      },
    },
  });
  return fiches.map((fiche) => {
    const latest = fiche.versions[0];
    return {
      id: fiche.id,
      code: fiche.code,
      title: latest?.title ?? '',
      status: fiche.status,
      authorEmail: fiche.authorEmail,
      pilote: latest?.pilote?.email ?? null,
      latestVersion: latest?.version ?? 1,
      workflowId: fiche.workflowId,
      updatedAt: fiche.updatedAt.toISOString(),
      followUp: fiche.followUp as FollowUp | null,
    };
  });
}
