import type { PrismaClient } from '../../generated/prisma/client.js';

/** A member invited to a meeting, with their answer. */
export interface MeetingInvitation {
  role: string;
  partstat: string;
  respondedAt: Date | null;
  attendance: string | null;
  /** `mailRefusedAt`: when a mail server last refused the address for good, with its answer. */
  person: { email: string; displayName: string; mailRefusedAt: Date | null; mailRefusal: string | null };
}

/** A meeting as the API shows it. */
export interface MeetingRecord {
  id: string;
  conventionId: string;
  workflowId: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  visioUrl: string | null;
  status: string;
  icalUid: string;
  sequence: number;
  quorumReached: boolean | null;
  minutesRef: string | null;
  instance: { slug: string; name: string };
  /** By position. */
  agenda: Array<{ position: number; title: string; kind: string; ficheId: string | null }>;
  invitations: MeetingInvitation[];
}

/** A meeting as the API shows it: its instance, ordre du jour and invitations with their answers. */
export async function findMeeting(db: PrismaClient, meetingId: string): Promise<MeetingRecord | null> {
  return db.meeting.findUnique({
    where: { id: meetingId },
    select: {
      id: true,
      conventionId: true,
      workflowId: true,
      title: true,
      startsAt: true,
      endsAt: true,
      location: true,
      visioUrl: true,
      status: true,
      icalUid: true,
      sequence: true,
      quorumReached: true,
      minutesRef: true,
      instance: { select: { slug: true, name: true } },
      agenda: { orderBy: { position: 'asc' }, select: { position: true, title: true, kind: true, ficheId: true } },
      invitations: {
        select: {
          role: true,
          partstat: true,
          respondedAt: true,
          attendance: true,
          person: { select: { email: true, displayName: true, mailRefusedAt: true, mailRefusal: true } },
        },
      },
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
