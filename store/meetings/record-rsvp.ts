import type { PartStat, RsvpPartStat } from '../../domain/meeting-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { consumeLink } from '../access/used-links.js';

/**
 * How an answer came: a signed link in the mail, a calendar client's iMIP REPLY, or read back from
 * the person's linked CalDAV calendar.
 */
export type RsvpSource = 'link' | 'imip' | 'caldav';

/** Options of {@link recordRsvp}. */
export interface RecordRsvpOptions {
  /** The meeting, by id (a signed link's subject) or by iCalendar UID (an iMIP REPLY). */
  meeting: { id: string } | { icalUid: string };
  /** The invited person, compared without regard to case. */
  email: string;
  partstat: RsvpPartStat;
  source: RsvpSource;
  at: Date;
  /** The signed link's jti: consumed with the answer, so the link works once. iMIP replies have none. */
  linkId?: string;
  /** SEQUENCE of an iMIP REPLY, when it states one. */
  sequence?: number;
}

/** An answer recorded. */
export interface RsvpRecorded {
  meetingId: string;
  conventionId: string;
  /** The person's address as the database has it. */
  email: string;
  partstat: RsvpPartStat;
  source: RsvpSource;
  at: Date;
}

/** Every reason an answer is not recorded, listed once. */
export const RSVP_ERROR_CODES = {
  MEETING_NOT_FOUND: 'No meeting has this id (link) or iCalendar UID (REPLY).',
  NOT_INVITED: 'The address is not among the meeting’s invitations.',
  MEETING_CANCELLED: 'The meeting was cancelled: answers are no longer taken.',
  LINK_ALREADY_USED: 'The link was used before: `details` says when, what it recorded, and the answer on record now.',
  STALE_REPLY: 'An iMIP REPLY with a SEQUENCE lower than the meeting’s: it answers a version since changed.',
} as const;
export type RsvpErrorCode = keyof typeof RSVP_ERROR_CODES;

/** What a LINK_ALREADY_USED error knows of the first use. */
export interface LinkUseDetails {
  usedAt: Date;
  /** The answer that link recorded (one link gives one answer). */
  answer: RsvpPartStat;
  /** The answer on record now: another link or the calendar may have changed it since. */
  current: PartStat;
}

/** An answer refused: `message` for logs, `userMessage` (French) for people. */
export class RsvpError extends Error {
  override readonly name = 'RsvpError';

  constructor(
    readonly code: RsvpErrorCode,
    message: string,
    readonly userMessage: string,
    readonly details?: LinkUseDetails,
  ) {
    super(message);
  }
}

/**
 * Records a person's answer to a meeting invitation, all in one transaction: the signed link (if
 * any) is consumed, the person's Invitation gets the PARTSTAT, when and how, the audit log a line,
 * and the notification ledger's latest rows for the meeting's UID and that person get the PARTSTAT too. Throws an
 * {@link RsvpError} and writes nothing when the answer cannot be taken.
 *
 * A REPLY whose SEQUENCE is lower than the meeting's is refused as STALE_REPLY: it accepts or
 * declines a date, place or agenda that has since changed (RFC 5546 §2.1.5: the highest SEQUENCE
 * is the current version), and the person has received the new version to answer again. Taking it
 * would show someone as coming to a meeting they only agreed to before it moved. A REPLY without
 * SEQUENCE is taken: some clients leave it out, and saying nothing is no sign of being late.
 * Links carry no SEQUENCE: their page shows the meeting as it is now before the person confirms,
 * so a link's answer is always about the current version.
 */
export async function recordRsvp(prisma: PrismaClient, options: RecordRsvpOptions): Promise<RsvpRecorded> {
  const email = options.email.trim();
  return prisma.$transaction(
    async (tx) => {
      const meeting = await tx.meeting.findUnique({
        where: 'id' in options.meeting ? { id: options.meeting.id } : { icalUid: options.meeting.icalUid },
        select: { id: true, conventionId: true, icalUid: true, sequence: true, status: true },
      });
      if (!meeting) throw meetingNotFound(options.meeting);
      const invitation = await tx.invitation.findFirst({
        where: { meetingId: meeting.id, person: { email: { equals: email, mode: 'insensitive' } } },
        select: { id: true, partstat: true, person: { select: { email: true } } },
      });

      if (options.linkId !== undefined) {
        const used = await consumeLink(tx, { jti: options.linkId, purpose: 'rsvp', subject: meeting.id }, options.at);
        if (used) {
          throw linkAlreadyUsed(options.linkId, {
            usedAt: used.usedAt,
            answer: options.partstat,
            current: (invitation?.partstat ?? 'NEEDS-ACTION') as PartStat,
          });
        }
      }

      if (!invitation) throw notInvited(email, meeting.id);
      if (meeting.status === 'annulee') throw meetingCancelled(meeting.id);
      if (options.sequence !== undefined && options.sequence < meeting.sequence) {
        throw new RsvpError(
          'STALE_REPLY',
          `REPLY of ${email} for SEQUENCE ${options.sequence}, the meeting is at ${meeting.sequence}`,
          'Cette réponse porte sur une version de la réunion qui a changé depuis.',
        );
      }

      await tx.invitation.update({
        where: { id: invitation.id },
        data: { partstat: options.partstat, respondedAt: options.at, rsvpSource: options.source },
      });
      const recipient = invitation.person.email;
      await recordAuditEvent(tx, {
        actor: recipient,
        action: 'meeting.rsvp',
        subject: `meeting:${meeting.id}`,
        details: { partstat: options.partstat, source: options.source },
        at: options.at,
      });
      const ledgerRows = {
        icalUid: meeting.icalUid,
        OR: [
          { recipient: { equals: recipient, mode: 'insensitive' as const } },
          { recipient: { endsWith: `<${recipient}>`, mode: 'insensitive' as const } },
        ],
      };
      const latest = await tx.notification.aggregate({ where: ledgerRows, _max: { icalSequence: true } });
      await tx.notification.updateMany({
        where: { ...ledgerRows, icalSequence: latest._max.icalSequence },
        data: { partstat: options.partstat },
      });

      return {
        meetingId: meeting.id,
        conventionId: meeting.conventionId,
        email: recipient,
        partstat: options.partstat,
        source: options.source,
        at: options.at,
      };
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

/** The refusals {@link recordRsvp} and store/meetings/find-rsvp-invitation.ts share, worded once. */
export function meetingNotFound(ref: { id: string } | { icalUid: string }): RsvpError {
  return new RsvpError(
    'MEETING_NOT_FOUND',
    `no meeting ${JSON.stringify(ref)}`,
    'Cette réunion n’existe pas ou plus : elle a peut-être été supprimée.',
  );
}

export function notInvited(email: string, meetingId: string): RsvpError {
  return new RsvpError(
    'NOT_INVITED',
    `${email} is not invited to meeting ${meetingId}`,
    `L’adresse ${email} ne figure pas parmi les invités de cette réunion.`,
  );
}

export function meetingCancelled(meetingId: string): RsvpError {
  return new RsvpError(
    'MEETING_CANCELLED',
    `meeting ${meetingId} is cancelled`,
    'Cette réunion a été annulée : il n’y a plus de réponse à donner.',
  );
}

export function linkAlreadyUsed(linkId: string, details: LinkUseDetails): RsvpError {
  return new RsvpError(
    'LINK_ALREADY_USED',
    `link ${linkId} already used at ${details.usedAt.toISOString()}`,
    'Ce lien a déjà servi : chaque lien ne vaut que pour une réponse.',
    details,
  );
}
