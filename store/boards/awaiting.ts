import type { PrismaClient } from '../../generated/prisma/client.js';

/** A meeting that waits for someone: an answer to its invitation, or its relevé to publish. */
export interface AwaitingMeeting {
  id: string;
  conventionId: string;
  title: string;
  startsAt: Date;
  instance: { kind: string; name: string };
}

const MEETING = {
  id: true,
  conventionId: true,
  title: true,
  startsAt: true,
  instance: { select: { kind: true, name: true } },
} as const;

/** The coming meetings the person is invited to and has not answered, soonest first. */
export async function listUnansweredInvitations(
  db: PrismaClient,
  { personId, now }: { personId: string; now: Date },
): Promise<AwaitingMeeting[]> {
  const invitations = await db.invitation.findMany({
    where: {
      personId,
      partstat: 'NEEDS-ACTION',
      meeting: { startsAt: { gt: now }, status: { in: ['planifiee', 'convoquee'] } },
    },
    orderBy: { meeting: { startsAt: 'asc' } },
    select: { meeting: { select: MEETING } },
  });
  return invitations.map((i) => i.meeting);
}

/** The held meetings of the conventions whose relevé de décisions is not published yet, oldest first. */
export async function listUnpublishedReleves(db: PrismaClient, conventionIds: readonly string[]) {
  return db.meeting.findMany({
    where: { conventionId: { in: [...conventionIds] }, status: 'tenue', decisionsPublishedAt: null },
    orderBy: { startsAt: 'asc' },
    select: MEETING,
  });
}
