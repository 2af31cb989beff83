import type { ReviewedFiche } from '../../domain/convention-notices.js';
import type { Indicator } from '../../domain/lifecycle/model.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * The convention's fiches en œuvre, each with the pilot of its version in force (its author
 * when it names none) and its évaluation of `year` if recorded, by code.
 */
export async function listCampaignFiches(
  db: PrismaClient,
  { conventionId, year }: { conventionId: string; year: number },
): Promise<ReviewedFiche[]> {
  const fiches = await db.ficheAction.findMany({
    where: { conventionId, status: 'en_oeuvre' },
    orderBy: { code: 'asc' },
    include: {
      versions: { orderBy: { version: 'desc' }, include: { pilote: { select: { email: true } } } },
      evaluations: { where: { year } },
    },
  });
  return fiches.map((fiche) => {
    const version = fiche.versions.find((v) => v.state === 'en_vigueur') ?? fiche.versions[0];
    const evaluation = fiche.evaluations[0];
    return {
      ficheId: fiche.id,
      code: fiche.code,
      title: version?.title ?? '',
      pilotEmail: (version?.pilote?.email ?? fiche.authorEmail).toLowerCase(),
      evaluation: evaluation
        ? { summary: evaluation.summary, indicators: (evaluation.indicators as Indicator[] | null) ?? [] }
        : null,
    };
  });
}
