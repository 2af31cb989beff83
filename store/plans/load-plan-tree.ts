import type { PlanEnjeuSource, PlanFiche } from '../../domain/plan-actions-tree.js';
import type { Stage } from '../../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** The convention a plan belongs to, as its page and document name it. */
export interface PlanConvention {
  name: string;
  territory: string;
  zone: string;
  startYear: number;
  endYear: number;
}

/**
 * What the plan d'actions gathers: its convention, the convention's enjeux with their objectifs (stratégiques,
 * then their opérationnels), in the setup's order, and each fiche as its version in force (else its
 * latest) names its enjeu, objectifs and pilote, with the fiche's stage.
 */
export async function loadPlanTree(
  db: PrismaClient,
  conventionId: string,
): Promise<{ convention: PlanConvention; enjeux: PlanEnjeuSource[]; fiches: PlanFiche[] }> {
  const [convention, enjeux, fiches] = await Promise.all([
    db.convention.findUniqueOrThrow({
      where: { id: conventionId },
      select: { name: true, territory: true, timezone: true, startDate: true, endDate: true },
    }),
    db.enjeu.findMany({
      where: { conventionId },
      orderBy: { position: 'asc' },
      include: { objectifs: { orderBy: { code: 'asc' } } },
    }),
    db.ficheAction.findMany({
      where: { conventionId },
      orderBy: { code: 'asc' },
      include: {
        versions: {
          orderBy: { version: 'desc' },
          include: {
            enjeu: { select: { code: true } },
            objectifs: { select: { code: true } },
            pilote: { select: { email: true, displayName: true } },
          },
        },
      },
    }),
  ]);
  return {
    convention: {
      name: convention.name,
      territory: convention.territory,
      zone: convention.timezone,
      startYear: convention.startDate.getUTCFullYear(),
      endYear: convention.endDate.getUTCFullYear(),
    },
    enjeux: enjeux.map((enjeu) => ({
      code: enjeu.code,
      title: enjeu.title,
      objectifs: enjeu.objectifs
        .filter((o) => o.kind === 'strategique')
        .map((os) => ({
          code: os.code,
          title: os.title,
          objectifs: enjeu.objectifs
            .filter((oo) => oo.parentId === os.id)
            .map((oo) => ({ code: oo.code, title: oo.title })),
        })),
    })),
    fiches: fiches.map((fiche) => {
      const version = fiche.versions.find((v) => v.state === 'en_vigueur') ?? fiche.versions[0];
      return {
        ficheId: fiche.id,
        code: fiche.code,
        title: version?.title ?? '',
        pilote: version?.pilote ? version.pilote.displayName || version.pilote.email : null,
        stage: fiche.status as Stage,
        enjeu: version?.enjeu?.code ?? null,
        objectifs: version?.objectifs.map((o) => o.code).sort() ?? [],
      };
    }),
  };
}
