import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parseCharter, type InstanceKind } from '../domain/charter.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { assertConvocationDelay, assertMayManageMeeting, convocationDelayFor } from '../domain/meeting-rules.js';
import type { Store } from '../store/index.js';
import {
  meetingWorkflowId,
  meetingWorkflowInput,
  type MeetingWorkflowInput,
} from '../workflows/meeting-definitions.js';
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
 * it and starts its workflow, which tells the fiches waiting for that body (they put themselves
 * on its agenda) and convenes the members with the ordre du jour.
 */
export async function scheduleMeeting(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  input: NewMeeting,
  actor: Actor,
  options: { now?: Date; timing?: MeetingWorkflowInput['timing']; workflowId?: string } = {},
): Promise<{ meetingId: string; workflowId: string; icalUid: string }> {
  const now = options.now ?? new Date();
  const convention = await deps.store.conventions.findSettings(conventionId);
  const instance = await deps.store.conventions.findInstance(conventionId, input.instance);
  if (!instance)
    throw new DomainError('INVALID_INPUT', `Aucune instance « ${input.instance} » dans cette convention.`, 'instance');
  const kind = instance.kind as InstanceKind;
  assertMayManageMeeting(kind, actor, 'schedule');
  assertConvocationDelay(
    new Date(input.startsAt),
    now,
    convocationDelayFor(parseCharter(convention.charter), kind, instance.convocationDelayDays),
    convention.timezone,
  );

  const meetingId = randomUUID();
  const record = await deps.store.meetings.create({
    meetingId,
    workflowId: options.workflowId ?? meetingWorkflowId(meetingId),
    conventionId,
    instanceId: instance.id,
    title: input.title,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    location: input.location,
    visioUrl: input.visioUrl,
    actorEmail: actor.email,
    at: now,
  });
  const workflowInput: MeetingWorkflowInput = {
    ...meetingWorkflowInput(record),
    ...(options.timing ? { timing: options.timing } : {}),
  };
  await deps.client.workflow.start<typeof meetingWorkflow>('meetingWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId: record.workflowId,
    args: [workflowInput],
  });
  return { meetingId: record.meetingId, workflowId: record.workflowId, icalUid: record.icalUid };
}
