import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { meetingCancelled, meetingNotFound, notInvited, RsvpError } from './record-rsvp.js';

/** A COUNTER as the iMIP reader gives it (infra/smtp-in/imip-reply.ts). */
export interface CounterInput {
  icalUid: string;
  email: string;
  startsAt: Date;
  /** Absent: the meeting keeps its length. */
  endsAt?: Date;
  comment?: string;
  sequence?: number;
  at: Date;
}

/** A proposal the organiser has to decide on. */
export interface CounterProposalRow {
  id: string;
  meetingId: string;
  startsAt: Date;
  endsAt: Date;
  comment: string | null;
  sequence: number;
  receivedAt: Date;
  /** pending · accepted · declined */
  status: string;
  person: { email: string; displayName: string };
}

const ROW = {
  id: true,
  meetingId: true,
  startsAt: true,
  endsAt: true,
  comment: true,
  sequence: true,
  receivedAt: true,
  status: true,
  person: { select: { email: true, displayName: true } },
} as const;

/**
 * Records another time a member proposed from their calendar: the latest per person and meeting
 * (a new one replaces theirs, pending again), with its audit line, in one transaction. Refused as
 * an answer would be ({@link RsvpError}): unknown UID, not invited, meeting cancelled, or a
 * SEQUENCE lower than the meeting's (it proposes to move a version since changed).
 */
export async function recordCounterProposal(prisma: PrismaClient, input: CounterInput): Promise<CounterProposalRow> {
  return prisma.$transaction(async (tx) => {
    const meeting = await tx.meeting.findUnique({
      where: { icalUid: input.icalUid },
      select: { id: true, sequence: true, status: true, startsAt: true, endsAt: true },
    });
    if (!meeting) throw meetingNotFound({ icalUid: input.icalUid });
    const invitation = await tx.invitation.findFirst({
      where: { meetingId: meeting.id, person: { email: { equals: input.email.trim(), mode: 'insensitive' } } },
      select: { personId: true, person: { select: { email: true } } },
    });
    if (!invitation) throw notInvited(input.email, meeting.id);
    if (meeting.status === 'annulee') throw meetingCancelled(meeting.id);
    if (input.sequence !== undefined && input.sequence < meeting.sequence)
      throw new RsvpError(
        'STALE_REPLY',
        `COUNTER of ${input.email} for SEQUENCE ${input.sequence}, the meeting is at ${meeting.sequence}`,
        'Cette proposition porte sur une version de la réunion qui a changé depuis.',
      );
    const endsAt =
      input.endsAt ?? new Date(input.startsAt.getTime() + meeting.endsAt.getTime() - meeting.startsAt.getTime());
    const proposal = {
      startsAt: input.startsAt,
      endsAt,
      comment: input.comment ?? null,
      sequence: meeting.sequence,
      receivedAt: input.at,
      status: 'pending',
      decidedAt: null,
      decidedBy: null,
    };
    const row = await tx.counterProposal.upsert({
      where: { meetingId_personId: { meetingId: meeting.id, personId: invitation.personId } },
      create: { meetingId: meeting.id, personId: invitation.personId, ...proposal },
      update: proposal,
      select: ROW,
    });
    await recordAuditEvent(tx, {
      actor: invitation.person.email,
      action: 'meeting.counter',
      subject: `meeting:${meeting.id}`,
      details: { startsAt: input.startsAt.toISOString(), endsAt: endsAt.toISOString() },
      at: input.at,
    });
    return row;
  });
}

/** The meeting's proposals waiting for the organiser, oldest first. */
export function listPendingCounterProposals(prisma: PrismaClient, meetingId: string): Promise<CounterProposalRow[]> {
  return prisma.counterProposal.findMany({
    where: { meetingId, status: 'pending' },
    orderBy: { receivedAt: 'asc' },
    select: ROW,
  });
}

/** One proposal of a meeting, or null. */
export function findCounterProposal(
  prisma: PrismaClient,
  input: { meetingId: string; id: string },
): Promise<CounterProposalRow | null> {
  return prisma.counterProposal.findFirst({ where: { id: input.id, meetingId: input.meetingId }, select: ROW });
}
