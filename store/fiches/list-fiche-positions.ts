import type { LifecyclePosition } from '../../domain/lifecycle/model.js';
import { TERMINAL_STAGES } from '../../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** A live fiche and where its lifecycle stands, as its workflow last wrote it (null: a run that wrote none yet). */
export interface FichePosition {
  id: string;
  code: string;
  title: string;
  status: string;
  workflowId: string | null;
  lifecycle: LifecyclePosition | null;
}

/** The convention's fiches that still admit a step, by code, with their lifecycle's position: one query. */
export async function listFichePositions(db: PrismaClient, conventionId: string): Promise<FichePosition[]> {
  const fiches = await db.ficheAction.findMany({
    where: { conventionId, status: { notIn: [...TERMINAL_STAGES] } },
    orderBy: { code: 'asc' },
    select: {
      id: true,
      code: true,
      status: true,
      workflowId: true,
      lifecycle: true,
      versions: { orderBy: { version: 'desc' }, take: 1, select: { title: true } },
    },
  });
  return fiches.map(({ versions, lifecycle, ...fiche }) => ({
    ...fiche,
    title: versions[0]?.title ?? '',
    lifecycle: lifecycle as LifecyclePosition | null,
  }));
}
