import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parseCharter, type InstanceKind } from '../domain/charter.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { assertConvocationDate, type ConvocationDate, type ConvocationOverride } from '../domain/convocation-date.js';
import { assertMayManageMeeting, convocationDelayFor } from '../domain/meeting-rules.js';
import { parseZone } from '../domain/school-holidays.js';
import type { Store } from '../store/index.js';
import type { FreeAgendaItem } from '../store/meetings/agenda-items.js';
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
  /** Holds a date on a day off or within the convocation delay; recorded in the meeting's history. */
  override?: ConvocationOverride | undefined;
  /** Free items of the ordre du jour, in order; the fiches due put themselves after them. */
  agenda?: readonly FreeAgendaItem[] | undefined;
}

/**
 * An instance of the convention and what a date of its meetings is checked against (its convocation
 * delay, the convention's zone and school-holiday zone): the scheduling below, and the pages that
 * show the checks before anything is sent.
 */
export async function convocationRules(store: Store, conventionId: string, instanceSlug: string) {
  const convention = await store.conventions.findSettings(conventionId);
  const instance = await store.conventions.findInstance(conventionId, instanceSlug);
  if (!instance)
    throw new DomainError('INVALID_INPUT', `Aucune instance « ${instanceSlug} » dans cette convention.`, 'instance');
  const kind = instance.kind as InstanceKind;
  const delayDays = convocationDelayFor(parseCharter(convention.charter), kind, instance.convocationDelayDays);
  const dateOf = (startsAt: Date, convenedAt: Date): ConvocationDate => ({
    startsAt,
    convenedAt,
    delayDays,
    zone: convention.timezone,
    schoolZone: parseZone(convention.schoolZone),
  });
  return { instance, kind, zone: convention.timezone, dateOf };
}

/**
 * Schedules a meeting of an instance: checks who asks and its date (domain/convocation-date.ts:
 * no weekend or public holiday, the legal convocation delay, unless overridden with a reason),
 * records it with the override if any, and starts its workflow, which tells the fiches waiting
 * for that body (they put themselves on its agenda) and convenes the members with the ordre du
 * jour. Gives back the school-holiday warnings, for the organiser.
 */
export async function scheduleMeeting(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  input: NewMeeting,
  actor: Actor,
  options: {
    now?: Date;
    timing?: MeetingWorkflowInput['timing'];
    workflowId?: string;
    /** The calendar's key of a rule's meeting convened ahead of the calendar, which then finds it and leaves it. */
    key?: string;
  } = {},
): Promise<{ meetingId: string; workflowId: string; icalUid: string; warnings: string[] }> {
  const now = options.now ?? new Date();
  const { instance, kind, dateOf } = await convocationRules(deps.store, conventionId, input.instance);
  assertMayManageMeeting(kind, actor, 'schedule');
  const dateCheck = assertConvocationDate(dateOf(new Date(input.startsAt), now), input.override);

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
    agenda: input.agenda,
    actorEmail: actor.email,
    at: now,
    dateCheck,
    ...(options.key ? { key: options.key } : {}),
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
  return {
    meetingId: record.meetingId,
    workflowId: record.workflowId,
    icalUid: record.icalUid,
    warnings: dateCheck.warnings,
  };
}
