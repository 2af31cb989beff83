import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parseCharter, type InstanceKind } from '../domain/charter.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/lifecycle.js';
import { assertConvocationDelay, assertMayManageMeeting, convocationDelayFor } from '../domain/meeting-rules.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { meetingScheduledSignal } from '../workflows/definitions.js';
import { meetingWorkflowId, type MeetingWorkflowInput } from '../workflows/meeting-definitions.js';
import type { meetingWorkflow } from '../workflows/meeting.js';

export interface NewMeeting {
  instance: string;
  title: string;
  startsAt: string;
  endsAt: string;
  location?: string | undefined;
  visioUrl?: string | undefined;
}

/**
 * Schedules a meeting of an instance: checks who asks and the legal convocation delay, records
 * it, starts its workflow (which convenes the members with the ordre du jour) and tells the fiches
 * waiting for that body, which put themselves on the agenda.
 */
export async function scheduleMeeting(
  deps: { client: Client; prisma: PrismaClient; taskQueue: string },
  conventionId: string,
  input: NewMeeting,
  actor: Actor,
  options: { now?: Date; timing?: MeetingWorkflowInput['timing']; workflowId?: string } = {},
): Promise<{ meetingId: string; workflowId: string; icalUid: string }> {
  const now = options.now ?? new Date();
  const convention = await deps.prisma.convention.findUniqueOrThrow({ where: { id: conventionId }, select: { charter: true, timezone: true } });
  const instance = await deps.prisma.instance.findUnique({ where: { conventionId_slug: { conventionId, slug: input.instance } } });
  if (!instance) throw new DomainError('INVALID_INPUT', `Aucune instance « ${input.instance} » dans cette convention.`, 'instance');
  const kind = instance.kind as InstanceKind;
  assertMayManageMeeting(kind, actor, 'schedule');
  assertConvocationDelay(new Date(input.startsAt), now, convocationDelayFor(parseCharter(convention.charter), kind, instance.convocationDelayDays), convention.timezone);

  const meetingId = randomUUID();
  const workflowId = options.workflowId ?? meetingWorkflowId(meetingId);
  const meeting = await deps.prisma.meeting.create({
    data: {
      id: meetingId,
      conventionId,
      instanceId: instance.id,
      title: input.title,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      location: input.location ?? null,
      visioUrl: input.visioUrl ?? null,
      status: 'planifiee',
      icalUid: `${meetingId}@concerto`,
      workflowId,
    },
  });
  await deps.prisma.auditEvent.create({
    data: { key: `${workflowId}:scheduled`, actor: actor.email, action: 'meeting.schedule', subject: `meeting:${meetingId}`, details: { instance: instance.slug, startsAt: input.startsAt }, at: now },
  });
  const workflowInput: MeetingWorkflowInput = { meetingId, conventionId, startsAt: meeting.startsAt.toISOString(), endsAt: meeting.endsAt.toISOString(), ...(options.timing ? { timing: options.timing } : {}) };
  await deps.client.workflow.start<typeof meetingWorkflow>('meetingWorkflow', { taskQueue: deps.taskQueue, workflowId, args: [workflowInput] });

  // Fiches still under review may be waiting for a meeting of this body.
  const waiting = await deps.prisma.ficheAction.findMany({
    where: { conventionId, workflowId: { not: null }, status: { in: ['soumise', 'attente_copil', 'attente_bureau', 'en_oeuvre'] } },
    select: { workflowId: true },
  });
  for (const { workflowId: ficheWorkflow } of waiting) {
    await deps.client.workflow
      .getHandle(ficheWorkflow!)
      .signal(meetingScheduledSignal, { instanceKind: kind })
      .catch(() => {
        // A fiche whose workflow has ended has nothing to put on an agenda.
      });
  }
  return { meetingId, workflowId, icalUid: meeting.icalUid };
}
