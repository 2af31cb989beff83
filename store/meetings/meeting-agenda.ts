import type { PrismaClient } from '../../generated/prisma/client.js';

/** The ordre du jour as members see it, in order. */
export async function meetingAgenda(db: PrismaClient, { meetingId }: { meetingId: string }): Promise<string[]> {
  const items = await db.agendaItem.findMany({ where: { meetingId }, orderBy: { position: 'asc' } });
  return items.map((item) => item.title);
}

/** The workflows of the fiches on the meeting's ordre du jour, to tell them it moved. */
export async function fichesOnAgenda(db: PrismaClient, { meetingId }: { meetingId: string }): Promise<string[]> {
  const items = await db.agendaItem.findMany({
    where: { meetingId, ficheId: { not: null } },
    include: { fiche: { select: { workflowId: true } } },
  });
  return [...new Set(items.flatMap((item) => (item.fiche?.workflowId ? [item.fiche.workflowId] : [])))].sort();
}
