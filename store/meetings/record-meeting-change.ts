import type { ConvocationDateOutcome } from '../../domain/convocation-date.js';
import type { Attendance, MeetingStatus } from '../../domain/meeting-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { dateCheckDetails } from './date-check-details.js';

export interface MeetingChange {
  meetingId: string;
  /** The audit line's key: a retried activity writes nothing twice. */
  idempotencyKey: string;
  actorEmail: string;
  action:
    'reschedule' | 'cancel' | 'recordAttendance' | 'sendDecisionSummary' | 'fileMinutes' | 'convene' | 'declineCounter';
  at: string;
  status?: MeetingStatus;
  sequence?: number;
  startsAt?: string;
  endsAt?: string;
  location?: string;
  visioUrl?: string;
  cancelReason?: string;
  quorumReached?: boolean;
  attendance?: Attendance;
  minutesRef?: string;
  /** A reschedule's date checks: the rules an override set aside and why, the warnings. */
  dateCheck?: ConvocationDateOutcome;
  details?: Record<string, string | number | boolean>;
  /** A member's proposal of another time this change accepts (a reschedule) or declines. */
  counter?: { id: string; status: 'accepted' | 'declined' };
}

/**
 * Records a change of the meeting and its audit line together, once per key. A reschedule puts
 * every answer back to NEEDS-ACTION (« en attente »): an answer was about the old date, and the
 * update asks again (RFC 5546 §2.1.4); the audit line says how many answers were reset.
 */
export async function recordMeetingChange(db: PrismaClient, change: MeetingChange): Promise<{ created: boolean }> {
  return db.$transaction(async (tx) => {
    if (await tx.auditEvent.findUnique({ where: { key: change.idempotencyKey } })) return { created: false };
    const at = new Date(change.at);
    await tx.meeting.update({
      where: { id: change.meetingId },
      data: {
        ...(change.status ? { status: change.status } : {}),
        ...(change.sequence !== undefined ? { sequence: change.sequence } : {}),
        ...(change.startsAt ? { startsAt: new Date(change.startsAt) } : {}),
        ...(change.endsAt ? { endsAt: new Date(change.endsAt) } : {}),
        ...(change.location !== undefined ? { location: change.location } : {}),
        ...(change.visioUrl !== undefined ? { visioUrl: change.visioUrl } : {}),
        ...(change.cancelReason ? { cancelReason: change.cancelReason } : {}),
        ...(change.quorumReached !== undefined ? { quorumReached: change.quorumReached } : {}),
        ...(change.minutesRef ? { minutesRef: change.minutesRef, minutesFiledAt: at } : {}),
      },
    });
    const reset =
      change.action === 'reschedule'
        ? await tx.invitation.updateMany({
            where: { meetingId: change.meetingId, partstat: { not: 'NEEDS-ACTION' } },
            data: { partstat: 'NEEDS-ACTION', respondedAt: null, rsvpSource: null },
          })
        : null;
    if (change.attendance) {
      const { present, excused, proxies } = change.attendance;
      const people = await tx.person.findMany({
        where: {
          email: {
            in: [...present, ...excused, ...proxies.flatMap((p) => [p.from, p.to])].map((e) => e.toLowerCase()),
          },
        },
        select: { id: true, email: true },
      });
      const idOf = new Map(people.map((p) => [p.email.toLowerCase(), p.id]));
      const mark = async (email: string, attendance: string, proxyPersonId: string | null) =>
        tx.invitation.updateMany({
          where: { meetingId: change.meetingId, personId: idOf.get(email.toLowerCase()) ?? '' },
          data: { attendance, proxyPersonId },
        });
      // Everyone not listed is absent; a pouvoir makes its giver « représenté ».
      await tx.invitation.updateMany({
        where: { meetingId: change.meetingId },
        data: { attendance: 'absent', proxyPersonId: null },
      });
      for (const email of present) await mark(email, 'present', null);
      for (const email of excused) await mark(email, 'excuse', null);
      for (const { from, to } of proxies) await mark(from, 'represente', idOf.get(to.toLowerCase()) ?? null);
    }
    if (change.counter)
      await tx.counterProposal.updateMany({
        where: { id: change.counter.id, meetingId: change.meetingId },
        data: { status: change.counter.status, decidedAt: at, decidedBy: change.actorEmail },
      });
    await tx.auditEvent.create({
      data: {
        key: change.idempotencyKey,
        actor: change.actorEmail,
        action: `meeting.${change.action}`,
        subject: `meeting:${change.meetingId}`,
        details: {
          ...(change.status ? { status: change.status } : {}),
          ...(change.sequence !== undefined ? { sequence: change.sequence } : {}),
          ...(change.startsAt ? { startsAt: change.startsAt, endsAt: change.endsAt ?? '' } : {}),
          ...(change.cancelReason ? { reason: change.cancelReason } : {}),
          ...(change.quorumReached !== undefined ? { quorumReached: change.quorumReached } : {}),
          ...(change.minutesRef ? { minutesRef: change.minutesRef } : {}),
          ...(reset ? { answersReset: reset.count } : {}),
          ...dateCheckDetails(change.dateCheck),
          ...(change.details ?? {}),
        },
        at,
      },
    });
    return { created: true };
  });
}
