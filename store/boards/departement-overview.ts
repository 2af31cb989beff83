import type { StructureKind } from '../../domain/charter.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** A convention with how many of its fiches are at each stage. */
export interface ConventionStages {
  id: string;
  slug: string;
  name: string;
  territory: string;
  /** By stage (domain/lifecycle/vocabulary.ts STAGES); a stage with no fiche is absent. */
  stages: Record<string, number>;
}

/** Every convention, the earliest first, with its fiches counted by stage. */
export async function countFichesByStage(db: PrismaClient): Promise<ConventionStages[]> {
  const [conventions, groups] = await Promise.all([
    db.convention.findMany({
      orderBy: { startDate: 'asc' },
      select: { id: true, slug: true, name: true, territory: true },
    }),
    db.ficheAction.groupBy({ by: ['conventionId', 'status'], _count: { _all: true } }),
  ]);
  return conventions.map((c) => ({
    ...c,
    stages: Object.fromEntries(groups.filter((g) => g.conventionId === c.id).map((g) => [g.status, g._count._all])),
  }));
}

/** The kind of the person's structure (caf, msa, collectivite…), if they have one. */
export async function findStructureKind(db: PrismaClient, personId: string): Promise<StructureKind | null> {
  const person = await db.person.findUnique({
    where: { id: personId },
    select: { structure: { select: { kind: true } } },
  });
  return (person?.structure?.kind as StructureKind | undefined) ?? null;
}
