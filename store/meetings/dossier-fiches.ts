import { describeField, FICHE_FIELD_LABELS, type FicheField } from '../../domain/fiche-content.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { listFicheVersions } from '../fiches/fiche-content.js';

/** A fiche of the dossier de séance: its latest version, field by field, as its page reads it. */
export interface DossierFiche {
  code: string;
  version: number;
  title: string;
  fields: Array<{ label: string; value: string }>;
}

/** The fiches on a meeting's ordre du jour, in its order, each at its current version (the fiche page's data). */
export async function findDossierFiches(
  db: PrismaClient,
  { meetingId }: { meetingId: string },
): Promise<DossierFiche[]> {
  const items = await db.agendaItem.findMany({
    where: { meetingId, ficheId: { not: null } },
    orderBy: { position: 'asc' },
    select: { fiche: { select: { id: true, code: true } } },
  });
  const fiches = await Promise.all(
    items.map(async ({ fiche }) => {
      const current = (await listFicheVersions(db, fiche!.id)).at(-1);
      if (!current) return null;
      const fields = (Object.keys(FICHE_FIELD_LABELS) as FicheField[])
        .filter((field) => field !== 'title')
        .map((field) => ({ label: FICHE_FIELD_LABELS[field], value: describeField(current.content, field) }));
      return { code: fiche!.code, version: current.version, title: current.content.title, fields };
    }),
  );
  return fiches.filter((fiche) => fiche !== null);
}
