import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Stage } from '../../domain/lifecycle/vocabulary.js';

/** The stage at which a fiche waits for a meeting of each deciding body. */
const AWAITING: Readonly<Record<string, Stage>> = {
  cotech: 'soumise',
  copil: 'attente_copil',
  bureau_communautaire: 'attente_bureau',
};

/**
 * The fiches of the convention waiting for a meeting of an instance of that kind (by their stage),
 * with their latest version's title: the ordre du jour they will put themselves on, shown when
 * the meeting is convened. None for a body that decides on no fiche.
 */
export async function listFichesDue(
  db: PrismaClient,
  { conventionId, instanceKind }: { conventionId: string; instanceKind: string },
): Promise<Array<{ id: string; code: string; title: string }>> {
  const stage = AWAITING[instanceKind];
  if (!stage) return [];
  const fiches = await db.ficheAction.findMany({
    where: { conventionId, status: stage },
    orderBy: { code: 'asc' },
    select: { id: true, code: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { title: true } } },
  });
  return fiches.map((f) => ({ id: f.id, code: f.code, title: f.versions[0]?.title ?? '' }));
}
