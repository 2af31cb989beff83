import type { InstanceKind } from '../domain/charter.js';
import { parseCharter } from '../domain/charter.js';
import type { MeetingRule } from '../domain/meeting-recurrence.js';
import { convocationDelayFor } from '../domain/meeting-rules.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createMeetingRecord } from '../store/meetings/create-meeting.js';
import { storedMeetingRules } from '../store/conventions/save-meeting-rules.js';
import type { MeetingWorkflowInput } from '../workflows/meeting-definitions.js';
import type { PlannedMilestone } from '../workflows/calendar-definitions.js';

export interface CalendarYearFacts {
  zone: string;
  schoolZone: string | null;
  /** The convention's last day (YYYY-MM-DD): the calendar goes on into each year it reaches. */
  endDate: string;
  instances: Record<string, { kind: InstanceKind; name: string; convocationDelayDays: number }>;
  milestones: PlannedMilestone[];
  /** The recurring meetings' rules, as stored on the instances. */
  rules: MeetingRule[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Activities of the annual calendar: the year's facts, generated meetings, moved milestones. */
export function createCalendarActivities(prisma: PrismaClient) {
  return {
    async loadCalendarYear({ conventionId, year }: { conventionId: string; year: number }): Promise<CalendarYearFacts> {
      const convention = await prisma.convention.findUniqueOrThrow({
        where: { id: conventionId },
        include: { instances: true, milestones: { where: { year }, orderBy: { startDate: 'asc' } } },
      });
      const charter = parseCharter(convention.charter);
      return {
        zone: convention.timezone,
        schoolZone: convention.schoolZone,
        endDate: day(convention.endDate),
        instances: Object.fromEntries(
          convention.instances.map((i) => [
            i.slug,
            {
              kind: i.kind as InstanceKind,
              name: i.name,
              convocationDelayDays: convocationDelayFor(charter, i.kind as InstanceKind, i.convocationDelayDays),
            },
          ]),
        ),
        milestones: convention.milestones.map((m) => ({
          key: m.key,
          title: m.title,
          startDate: day(m.startDate),
          ownerEmail: m.ownerEmail,
          status: m.status,
        })),
        rules: storedMeetingRules(convention.instances),
      };
    },

    /** Records a meeting the calendar generated, once per key; the workflow then starts its workflow. */
    async createCalendarMeeting(input: {
      conventionId: string;
      instance: string;
      key: string;
      title: string;
      startsAt: string;
      endsAt: string;
      at: string;
    }): Promise<{ meetingId: string; workflowId: string; input: MeetingWorkflowInput }> {
      const instance = await prisma.instance.findUniqueOrThrow({
        where: { conventionId_slug: { conventionId: input.conventionId, slug: input.instance } },
      });
      const record = await createMeetingRecord(prisma, {
        conventionId: input.conventionId,
        instanceId: instance.id,
        title: input.title,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        actorEmail: 'calendrier annuel',
        key: `calendar-${input.conventionId}-${input.key}`,
        at: new Date(input.at),
      });
      return { meetingId: record.meetingId, workflowId: record.workflowId, input: record.input };
    },

    /** Moves a milestone's start (its end too, by as many days) with its audit line, once per key. */
    async moveMilestone(input: {
      conventionId: string;
      key: string;
      startDate: string;
      actorEmail: string;
      idempotencyKey: string;
      at: string;
    }): Promise<PlannedMilestone> {
      return prisma.$transaction(async (tx) => {
        const milestone = await tx.milestone.findUniqueOrThrow({
          where: { conventionId_key: { conventionId: input.conventionId, key: input.key } },
        });
        if (!(await tx.auditEvent.findUnique({ where: { key: input.idempotencyKey } }))) {
          const start = new Date(`${input.startDate}T00:00:00Z`);
          const shift = start.getTime() - milestone.startDate.getTime();
          await tx.milestone.update({
            where: { id: milestone.id },
            data: {
              startDate: start,
              ...(milestone.endDate ? { endDate: new Date(milestone.endDate.getTime() + shift) } : {}),
              status: 'reporte',
            },
          });
          await tx.auditEvent.create({
            data: {
              key: input.idempotencyKey,
              actor: input.actorEmail,
              action: 'milestone.move',
              subject: `milestone:${milestone.id}`,
              details: { from: day(milestone.startDate), to: input.startDate },
              at: new Date(input.at),
            },
          });
        }
        const moved = await tx.milestone.findUniqueOrThrow({ where: { id: milestone.id } });
        return {
          key: moved.key,
          title: moved.title,
          startDate: day(moved.startDate),
          ownerEmail: moved.ownerEmail,
          status: moved.status,
        };
      });
    },
  };
}

export type CalendarActivities = ReturnType<typeof createCalendarActivities>;
