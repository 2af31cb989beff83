import type { PrismaClient } from '../../generated/prisma/client.js';

/** A meeting with its agenda, its invitations (answers and attendance), its decisions and its workflow's mails, for its page. */
export async function findMeetingPage(prisma: PrismaClient, meetingId: string) {
  const meeting = await prisma.meeting.findUnique({
    where: { id: meetingId },
    include: {
      instance: { select: { name: true, quorum: true } },
      agenda: {
        orderBy: { position: 'asc' },
        select: { position: true, title: true, kind: true, fiche: { select: { id: true, code: true } } },
      },
      invitations: {
        orderBy: { person: { displayName: 'asc' } },
        select: {
          partstat: true,
          respondedAt: true,
          rsvpSource: true,
          attendance: true,
          person: { select: { email: true, displayName: true } },
        },
      },
      decisions: {
        orderBy: { decidedAt: 'asc' },
        select: { outcome: true, stage: true, comment: true, fiche: { select: { id: true, code: true } } },
      },
      poll: { select: { id: true, title: true } },
    },
  });
  if (!meeting) return null;
  // The mails its workflow sent (one per recipient and occasion, by ledger key), to show how far each mailing is.
  const mails = meeting.workflowId
    ? await prisma.notification.findMany({
        where: { workflowId: meeting.workflowId },
        select: { idempotencyKey: true, status: true },
      })
    : [];
  return { ...meeting, mails };
}

export type MeetingPageRow = NonNullable<Awaited<ReturnType<typeof findMeetingPage>>>;
