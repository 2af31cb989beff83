import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { meetingWorkflowId, type MeetingWorkflowInput } from '../../workflows/meeting-definitions.js';

export interface MeetingRecord {
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
  /** Makes the record idempotent: a second call with the same key finds the first meeting. */
  key?: string;
  workflowId?: string;
  at: Date;
}

/**
 * Records a planned meeting and its audit line, and gives the input of its workflow. With a `key`
 * (a generated meeting: the annual calendar, a date poll), the same key gives the same meeting.
 */
export async function createMeetingRecord(
  prisma: PrismaClient,
  record: MeetingRecord,
): Promise<{ meetingId: string; icalUid: string; workflowId: string; input: MeetingWorkflowInput; created: boolean }> {
  const icalUid = record.key ? `${record.key}@concerto` : undefined;
  const existing = icalUid ? await prisma.meeting.findUnique({ where: { icalUid } }) : null;
  const meetingId = existing?.id ?? randomUUID();
  const workflowId = existing?.workflowId ?? record.workflowId ?? meetingWorkflowId(meetingId);
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
        },
      });
      await tx.auditEvent.create({
        data: {
          key: `${workflowId}:scheduled`,
          actor: record.actorEmail,
          action: 'meeting.schedule',
          subject: `meeting:${meetingId}`,
          details: { startsAt: record.startsAt },
          at: record.at,
        },
      });
      return row;
    }));
  return {
    meetingId,
    icalUid: meeting.icalUid,
    workflowId,
    created: !existing,
    input: {
      meetingId,
      conventionId: record.conventionId,
      startsAt: meeting.startsAt.toISOString(),
      endsAt: meeting.endsAt.toISOString(),
    },
  };
}
