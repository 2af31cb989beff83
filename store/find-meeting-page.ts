import type { PrismaClient } from '../generated/prisma/client.js';

/** A meeting with its agenda, its invitations (answers and attendance) and its decisions, for its page. */
export async function findMeetingPage(prisma: PrismaClient, meetingId: string) {
  return prisma.meeting.findUnique({
    where: { id: meetingId },
    include: {
      instance: { select: { name: true, quorum: true } },
      agenda: { orderBy: { position: 'asc' }, select: { position: true, title: true, kind: true, fiche: { select: { id: true, code: true } } } },
      invitations: { orderBy: { person: { displayName: 'asc' } }, select: { partstat: true, respondedAt: true, rsvpSource: true, attendance: true, person: { select: { email: true, displayName: true } } } },
      decisions: { orderBy: { decidedAt: 'asc' }, select: { outcome: true, stage: true, comment: true, fiche: { select: { id: true, code: true } } } },
      poll: { select: { id: true, title: true } },
    },
  });
}

export type MeetingPageRow = NonNullable<Awaited<ReturnType<typeof findMeetingPage>>>;
