import { agendaLine } from '../../domain/agenda-times.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * The ordre du jour as members see it, in order, each item with its duration: the meeting workflow
 * sends the dossier de séance again when these lines change. A fiche's item names its version, and
 * a version under review no longer changes: a new version is a new line.
 */
export async function meetingAgenda(db: PrismaClient, { meetingId }: { meetingId: string }): Promise<string[]> {
  const items = await db.agendaItem.findMany({ where: { meetingId }, orderBy: { position: 'asc' } });
  return items.map(agendaLine);
}

/** The workflows of the fiches on the meeting's ordre du jour, to tell them it moved. */
export async function fichesOnAgenda(db: PrismaClient, { meetingId }: { meetingId: string }): Promise<string[]> {
  const items = await db.agendaItem.findMany({
    where: { meetingId, ficheId: { not: null } },
    include: { fiche: { select: { workflowId: true } } },
  });
  return [...new Set(items.flatMap((item) => (item.fiche?.workflowId ? [item.fiche.workflowId] : [])))].sort();
}
