import type { Prisma } from '../../generated/prisma/client.js';

/** An item of an ordre du jour, before it has its place. */
export interface NewAgendaItem {
  meetingId: string;
  title: string;
  /** information · avis · decision */
  kind: string;
  ficheId?: string | null;
  note?: string | null;
}

/**
 * Adds an item at the end of a meeting's ordre du jour, inside the caller's transaction. The meeting's
 * row is locked first: fiches reaching one ordre du jour at once would otherwise read the same last
 * position, and all but one would fail on (meetingId, position). The insert reads the last position
 * in a statement of its own, after the lock, so it sees the items of whoever held it before.
 */
export async function appendAgendaItem(tx: Prisma.TransactionClient, item: NewAgendaItem): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Meeting" WHERE id = ${item.meetingId} FOR UPDATE`;
  await tx.$executeRaw`INSERT INTO "AgendaItem" ("id", "meetingId", "position", "title", "kind", "ficheId", "note")
    SELECT gen_random_uuid()::text, ${item.meetingId}, COALESCE(MAX("position"), 0) + 1, ${item.title}, ${item.kind},
      ${item.ficheId ?? null}, ${item.note ?? null}
    FROM "AgendaItem" WHERE "meetingId" = ${item.meetingId}`;
}
