import type { PartStat } from '../../domain/meeting-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { RsvpPartStat } from '../../domain/meeting-rules.js';
import { findLinkUse } from '../access/used-links.js';
import { linkAlreadyUsed, meetingCancelled, meetingNotFound, notInvited } from './record-rsvp.js';

/** A meeting as the answer pages show it. */
export interface RsvpMeetingView {
  id: string;
  title: string;
  instanceName: string;
  startsAt: Date;
  endsAt: Date;
  /** The convention's time zone (Europe/Paris unless set otherwise). */
  zone: string;
  location: string | null;
  visioUrl: string | null;
}

/** One person's invitation to a meeting, with the answer on record. */
export interface RsvpInvitationView {
  meeting: RsvpMeetingView;
  email: string;
  partstat: PartStat;
  respondedAt: Date | null;
}

/** Options of {@link findRsvpInvitation}. */
export interface FindRsvpInvitationOptions {
  meetingId: string;
  email: string;
  /** A signed link's jti and the answer it gives: a link already used is refused. */
  link?: { id: string; answer: RsvpPartStat };
}

/**
 * Reads what an answer page shows, refusing as {@link recordRsvp} would — in the same order, with
 * the same RsvpError codes — so a page never offers to confirm an answer that would then be
 * refused. Writes nothing: a mail scanner that opens the link changes nothing.
 */
export async function findRsvpInvitation(
  prisma: PrismaClient,
  options: FindRsvpInvitationOptions,
): Promise<RsvpInvitationView> {
  const meeting = await prisma.meeting.findUnique({
    where: { id: options.meetingId },
    include: { instance: { select: { name: true } }, convention: { select: { timezone: true } } },
  });
  if (!meeting) throw meetingNotFound({ id: options.meetingId });
  const invitation = await prisma.invitation.findFirst({
    where: { meetingId: meeting.id, person: { email: { equals: options.email.trim(), mode: 'insensitive' } } },
    select: { partstat: true, respondedAt: true, person: { select: { email: true } } },
  });
  if (options.link) {
    const usedAt = await findLinkUse(prisma, options.link.id);
    if (usedAt) {
      throw linkAlreadyUsed(options.link.id, {
        usedAt,
        answer: options.link.answer,
        current: (invitation?.partstat ?? 'NEEDS-ACTION') as PartStat,
      });
    }
  }
  if (!invitation) throw notInvited(options.email, meeting.id);
  if (meeting.status === 'annulee') throw meetingCancelled(meeting.id);
  return {
    meeting: {
      id: meeting.id,
      title: meeting.title,
      instanceName: meeting.instance.name,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      zone: meeting.convention.timezone,
      location: meeting.location,
      visioUrl: meeting.visioUrl,
    },
    email: invitation.person.email,
    partstat: invitation.partstat as PartStat,
    respondedAt: invitation.respondedAt,
  };
}
