import type { InstanceKind } from '../../domain/charter.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** A meeting still to be held, with the titles on its ordre du jour. */
export interface ScheduledMeeting {
  id: string;
  title: string;
  startsAt: Date;
  /** The titles of its items: only those of the fiche, when one is named. */
  items: string[];
}

/**
 * The scheduled meetings (planifiée, convoquée) of a convention's body from an instant on, soonest
 * first, in one statement: where an item already is, and where the next one goes.
 */
export async function listScheduledMeetings(
  db: Prisma.TransactionClient,
  input: { conventionId: string; instanceKind: InstanceKind; after: string; ficheId?: string },
): Promise<ScheduledMeeting[]> {
  const ficheId = input.ficheId ?? null;
  return db.$queryRaw<ScheduledMeeting[]>`
    SELECT m."id", m."title", m."startsAt",
      ARRAY(SELECT a."title" FROM "AgendaItem" a
        WHERE a."meetingId" = m."id" AND (${ficheId}::text IS NULL OR a."ficheId" = ${ficheId}::text)) AS "items"
    FROM "Meeting" m JOIN "Instance" i ON i."id" = m."instanceId"
    WHERE m."conventionId" = ${input.conventionId} AND i."kind" = ${input.instanceKind}
      AND m."status" IN ('planifiee', 'convoquee') AND m."startsAt" >= ${input.after}::timestamp
    ORDER BY m."startsAt" ASC`;
}
