import type { PrismaClient } from '../../generated/prisma/client.js';

/** What a fiche's content may name in its convention, for the choices of its form. */
export interface FicheContentChoices {
  /** The convention's tree: each enjeu with its objectives, in the convention's order. */
  enjeux: { code: string; title: string; objectifs: { code: string; title: string }[] }[];
  /** The people with a seat in one of its instances, who may pilot a fiche. */
  members: { email: string; displayName: string }[];
  structures: { slug: string; name: string }[];
}

export async function findContentChoices(db: PrismaClient, conventionId: string): Promise<FicheContentChoices> {
  const [enjeux, members, structures] = await Promise.all([
    db.enjeu.findMany({
      where: { conventionId },
      orderBy: { position: 'asc' },
      select: { code: true, title: true, objectifs: { orderBy: { code: 'asc' }, select: { code: true, title: true } } },
    }),
    db.person.findMany({
      where: { memberships: { some: { instance: { conventionId } } } },
      orderBy: { displayName: 'asc' },
      select: { email: true, displayName: true },
    }),
    db.structure.findMany({ orderBy: { name: 'asc' }, select: { slug: true, name: true } }),
  ]);
  return { enjeux, members, structures };
}
