import type { PrismaClient } from '../../generated/prisma/client.js';

/** A meeting as the API shows it: its instance, ordre du jour and invitations with their answers. */
export async function findMeeting(db: PrismaClient, meetingId: string) {
  return db.meeting.findUnique({
    where: { id: meetingId },
    include: {
      instance: { select: { slug: true, name: true } },
      agenda: { orderBy: { position: 'asc' }, select: { position: true, title: true, kind: true, ficheId: true } },
      invitations: { include: { person: { select: { email: true, displayName: true } } } },
    },
  });
}

/** Where a meeting stands, before a step is recorded on its workflow; null when there is none. */
export async function findMeetingState(
  db: PrismaClient,
  meetingId: string,
): Promise<{ conventionId: string; workflowId: string | null; status: string; minutesFiledAt: Date | null } | null> {
  return db.meeting.findUnique({
    where: { id: meetingId },
    select: { conventionId: true, workflowId: true, status: true, minutesFiledAt: true },
  });
}
