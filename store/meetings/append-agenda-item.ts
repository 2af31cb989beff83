import type { Prisma } from '../../generated/prisma/client.js';

/**
 * Adds an item at the end of a meeting's ordre du jour, inside the caller's transaction. The meeting's
 * row is locked first: fiches reaching one ordre du jour at once would otherwise read the same last
 * position, and all but one would fail on (meetingId, position).
 */
export async function appendAgendaItem(
  tx: Prisma.TransactionClient,
  item: Omit<Prisma.AgendaItemUncheckedCreateInput, 'position'> & { meetingId: string },
): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Meeting" WHERE id = ${item.meetingId} FOR UPDATE`;
  const last = await tx.agendaItem.aggregate({ where: { meetingId: item.meetingId }, _max: { position: true } });
  await tx.agendaItem.create({ data: { ...item, position: (last._max.position ?? 0) + 1 } });
}
