import type { PrismaClient } from '../../generated/prisma/client.js';
import { appendAgendaItem } from './append-agenda-item.js';

/** A free item of the ordre du jour: a title and an optional note, not tied to a fiche. */
export interface FreeAgendaItem {
  title: string;
  note?: string | undefined;
}

/** Adds a free item at the end of the meeting's ordre du jour. */
export async function addFreeAgendaItem(
  db: PrismaClient,
  { meetingId, item }: { meetingId: string; item: FreeAgendaItem },
): Promise<void> {
  await db.$transaction((tx) =>
    appendAgendaItem(tx, { meetingId, title: item.title, note: item.note ?? null, kind: 'information' }),
  );
}

/**
 * Moves an item one place up or down the meeting's ordre du jour, swapping it with its neighbour;
 * false when the item is not the meeting's or is already first (last).
 */
export async function moveAgendaItem(
  db: PrismaClient,
  { meetingId, itemId, direction }: { meetingId: string; itemId: string; direction: 'up' | 'down' },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const item = await tx.agendaItem.findFirst({ where: { id: itemId, meetingId } });
    if (!item) return false;
    const neighbour = await tx.agendaItem.findFirst({
      where: { meetingId, position: direction === 'up' ? { lt: item.position } : { gt: item.position } },
      orderBy: { position: direction === 'up' ? 'desc' : 'asc' },
    });
    if (!neighbour) return false;
    // (meetingId, position) is unique: the item waits at a free position while its neighbour takes its place.
    await tx.agendaItem.update({ where: { id: item.id }, data: { position: -1 } });
    await tx.agendaItem.update({ where: { id: neighbour.id }, data: { position: item.position } });
    await tx.agendaItem.update({ where: { id: item.id }, data: { position: neighbour.position } });
    return true;
  });
}

/** Sets (or, with null, clears) an item's duration; false when the item is not the meeting's. */
export async function setAgendaItemDuration(
  db: PrismaClient,
  { meetingId, itemId, minutes }: { meetingId: string; itemId: string; minutes: number | null },
): Promise<boolean> {
  const { count } = await db.agendaItem.updateMany({
    where: { id: itemId, meetingId },
    data: { durationMinutes: minutes },
  });
  return count === 1;
}

/** Records what the meeting decided on a free item; false when it is not a free item of that meeting. */
export async function recordFreeItemDecision(
  db: PrismaClient,
  { meetingId, itemId, text, at }: { meetingId: string; itemId: string; text: string; at: Date },
): Promise<boolean> {
  const { count } = await db.agendaItem.updateMany({
    where: { id: itemId, meetingId, ficheId: null },
    data: { decisionText: text, decidedAt: at },
  });
  return count === 1;
}
