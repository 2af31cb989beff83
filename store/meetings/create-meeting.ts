import type { ConvocationDateOutcome } from '../../domain/convocation-date.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { FreeAgendaItem } from './agenda-items.js';
import { dateCheckDetails } from './date-check-details.js';

export interface MeetingRecord {
  /** The new meeting's id and its workflow's; a keyed meeting already recorded keeps its own. */
  meetingId: string;
  workflowId: string;
  conventionId: string;
  instanceId: string;
  title: string;
  /** ISO instants. */
  startsAt: string;
  endsAt: string;
  location?: string | undefined;
  visioUrl?: string | undefined;
  /** Who scheduled it (a person, or the calendar or a poll that generated it), for the audit log. */
  actorEmail: string;
  /** What the date checks said: the rules an override set aside and why, the warnings; for the audit log. */
  dateCheck?: ConvocationDateOutcome;
  /** Free items of its ordre du jour, in order, given when it is convened (the fiches join later). */
  agenda?: readonly FreeAgendaItem[] | undefined;
  /** Makes the record idempotent: a second call with the same key finds the first meeting. */
  key?: string;
  at: Date;
}

/** A recorded meeting: what its workflow's input is made of. */
export interface RecordedMeeting {
  meetingId: string;
  conventionId: string;
  icalUid: string;
  workflowId: string;
  /** ISO instants, as stored. */
  startsAt: string;
  endsAt: string;
  /** False when the key found a meeting recorded before. */
  created: boolean;
}

/**
 * Records a planned meeting and its audit line. With a `key`
 * (a generated meeting: the annual calendar, a date poll), the same key gives the same meeting.
 */
export async function createMeetingRecord(prisma: PrismaClient, record: MeetingRecord): Promise<RecordedMeeting> {
  const icalUid = record.key ? `${record.key}@concerto` : undefined;
  const existing = icalUid ? await prisma.meeting.findUnique({ where: { icalUid } }) : null;
  const meetingId = existing?.id ?? record.meetingId;
  const workflowId = existing?.workflowId ?? record.workflowId;
  const meeting =
    existing ??
    (await prisma.$transaction(async (tx) => {
      const row = await tx.meeting.create({
        data: {
          id: meetingId,
          conventionId: record.conventionId,
          instanceId: record.instanceId,
          title: record.title,
          startsAt: new Date(record.startsAt),
          endsAt: new Date(record.endsAt),
          location: record.location ?? null,
          visioUrl: record.visioUrl ?? null,
          status: 'planifiee',
          icalUid: icalUid ?? `${meetingId}@concerto`,
          workflowId,
          agenda: {
            create: (record.agenda ?? []).map((item, index) => ({
              position: index + 1,
              title: item.title,
              note: item.note ?? null,
              kind: 'information',
            })),
          },
        },
      });
      await tx.auditEvent.create({
        data: {
          key: `${workflowId}:scheduled`,
          actor: record.actorEmail,
          action: 'meeting.schedule',
          subject: `meeting:${meetingId}`,
          details: { startsAt: record.startsAt, ...dateCheckDetails(record.dateCheck) },
          at: record.at,
        },
      });
      return row;
    }));
  return {
    meetingId,
    conventionId: meeting.conventionId,
    icalUid: meeting.icalUid,
    workflowId,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    created: !existing,
  };
}
