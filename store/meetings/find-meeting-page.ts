import type { PrismaClient } from '../../generated/prisma/client.js';
import { listPendingCounterProposals, type CounterProposalRow } from './counter-proposals.js';
import { findMeetingSeats, type MeetingSeats } from './meeting-seats.js';

/** An item of the ordre du jour, with the fiche it reviews. */
export interface MeetingPageAgendaItem {
  id: string;
  position: number;
  title: string;
  /** A free item's note. */
  note: string | null;
  kind: string;
  durationMinutes: number | null;
  fiche: { id: string; code: string; workflowId: string | null } | null;
  /** What the meeting decided on a free item, and when. */
  decisionText: string | null;
  decidedAt: Date | null;
}

/** A member convened, their answer and their attendance. */
export interface MeetingPageInvitation {
  partstat: string;
  respondedAt: Date | null;
  rsvpSource: string | null;
  attendance: string | null;
  /** The address of the member present who holds this member's pouvoir, if one was given. */
  proxyTo: string | null;
  /** `mailRefusedAt`: when a mail server last refused the address for good, with its answer. */
  person: { email: string; displayName: string; mailRefusedAt: Date | null; mailRefusal: string | null };
}

/** A decision taken at the meeting. */
export interface MeetingPageDecision {
  outcome: string;
  stage: string;
  comment: string | null;
  fiche: { id: string; code: string };
}

/** A meeting with its agenda, invitations, decisions and its workflow's mails, for its page. */
export interface MeetingPageRow {
  id: string;
  conventionId: string;
  workflowId: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  visioUrl: string | null;
  status: string;
  cancelReason: string | null;
  quorumReached: boolean | null;
  minutesRef: string | null;
  instance: { slug: string; kind: string; name: string; quorum: number | null };
  /** By position. */
  agenda: MeetingPageAgendaItem[];
  /** By the members' names. */
  invitations: MeetingPageInvitation[];
  /** In the order they were taken. */
  decisions: MeetingPageDecision[];
  /** The date poll that chose its date, if one did. */
  poll: { id: string; title: string } | null;
  /** The instance's seats, for the count of présents, suppléants and pouvoirs. */
  seats: MeetingSeats;
  /** The compte rendu uploaded, if any (its bytes are read apart). */
  minutesFile: { filename: string; size: number; uploadedAt: Date } | null;
  /** The mails its workflow sent, one per recipient and occasion (by ledger key), with where each stands. */
  mails: Array<{ idempotencyKey: string; status: string }>;
  /** Other times members proposed from their calendar (COUNTER), waiting for the organiser, oldest first. */
  counterProposals: CounterProposalRow[];
}

/**
 * A meeting with its agenda, its invitations (answers and attendance), its decisions and its workflow's mails, for its
 * page.
 */
export async function findMeetingPage(prisma: PrismaClient, meetingId: string): Promise<MeetingPageRow | null> {
  const meeting = await prisma.meeting.findUnique({
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
      cancelReason: true,
      quorumReached: true,
      minutesRef: true,
      instance: { select: { slug: true, kind: true, name: true, quorum: true } },
      agenda: {
        orderBy: { position: 'asc' },
        select: {
          id: true,
          position: true,
          title: true,
          note: true,
          kind: true,
          durationMinutes: true,
          decisionText: true,
          decidedAt: true,
          fiche: { select: { id: true, code: true, workflowId: true } },
        },
      },
      invitations: {
        orderBy: { person: { displayName: 'asc' } },
        select: {
          partstat: true,
          respondedAt: true,
          rsvpSource: true,
          attendance: true,
          proxyPersonId: true,
          person: { select: { id: true, email: true, displayName: true, mailRefusedAt: true, mailRefusal: true } },
        },
      },
      decisions: {
        orderBy: { decidedAt: 'asc' },
        select: { outcome: true, stage: true, comment: true, fiche: { select: { id: true, code: true } } },
      },
      poll: { select: { id: true, title: true } },
      minutesFile: { select: { filename: true, size: true, uploadedAt: true } },
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
  const invitations = meeting.invitations.map(({ proxyPersonId, person: { id: _id, ...person }, ...invitation }) => ({
    ...invitation,
    proxyTo: meeting.invitations.find((i) => i.person.id === proxyPersonId)?.person.email ?? null,
    person,
  }));
  return {
    ...meeting,
    invitations,
    mails,
    seats: await findMeetingSeats(prisma, { meetingId }),
    counterProposals: await listPendingCounterProposals(prisma, meetingId),
  };
}
