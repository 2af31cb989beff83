import type { PrismaClient } from '../../generated/prisma/client.js';

/** A meeting with what its mails show: instance, ordre du jour, invitations and decisions. */
export interface MeetingForMail {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  visioUrl: string | null;
  icalUid: string;
  cancelReason: string | null;
  minutesRef: string | null;
  convention: { timezone: string };
  instance: { name: string };
  /** By position. */
  agenda: Array<{
    position: number;
    title: string;
    durationMinutes: number | null;
    ficheId: string | null;
    decisionText: string | null;
  }>;
  /** Each member convened: their ROLE and PARTSTAT (RFC 5545). */
  invitations: Array<{
    role: string;
    partstat: string;
    /** As the secretary recorded it (present · excuse · absent · represente), or null. */
    attendance: string | null;
    person: { email: string; displayName: string };
  }>;
  /** In the order they were taken. */
  decisions: Array<{ ficheId: string; outcome: string; comment: string | null; fiche: { code: string } }>;
}

/** The meeting of that id, as its mails show it; throws when there is none. */
export async function findMeetingForMail(db: PrismaClient, meetingId: string): Promise<MeetingForMail> {
  return db.meeting.findUniqueOrThrow({
    where: { id: meetingId },
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      location: true,
      visioUrl: true,
      icalUid: true,
      cancelReason: true,
      minutesRef: true,
      convention: { select: { timezone: true } },
      instance: { select: { name: true } },
      agenda: {
        orderBy: { position: 'asc' },
        select: { position: true, title: true, durationMinutes: true, ficheId: true, decisionText: true },
      },
      invitations: {
        select: {
          role: true,
          partstat: true,
          attendance: true,
          person: { select: { email: true, displayName: true } },
        },
      },
      decisions: {
        orderBy: { decidedAt: 'asc' },
        select: { ficheId: true, outcome: true, comment: true, fiche: { select: { code: true } } },
      },
    },
  });
}
