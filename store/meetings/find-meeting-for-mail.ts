import type { PrismaClient } from '../../generated/prisma/client.js';

/** A meeting with what its mails show: instance, ordre du jour, invitations and decisions. */
export async function findMeetingForMail(db: PrismaClient, meetingId: string) {
  return db.meeting.findUniqueOrThrow({
    where: { id: meetingId },
    include: {
      convention: { select: { timezone: true } },
      instance: { select: { name: true } },
      agenda: { orderBy: { position: 'asc' } },
      invitations: { include: { person: { select: { email: true, displayName: true } } } },
      decisions: { orderBy: { decidedAt: 'asc' }, include: { fiche: { select: { code: true } } } },
    },
  });
}

export type MeetingForMail = Awaited<ReturnType<typeof findMeetingForMail>>;
