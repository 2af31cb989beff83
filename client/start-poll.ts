import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parseCharter, type InstanceKind } from '../domain/charter.js';
import { DomainError, type FieldIssue } from '../domain/errors.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { convocationDelayFor } from '../domain/meeting-rules.js';
import type { NewPollInput } from '../domain/poll-input.js';
import {
  assertConvocationDelayAfterDeadline,
  assertDeadline,
  assertMayManagePoll,
  checkProposedDates,
  optionLabel,
  optionTimes,
  pollInvitees,
  type PollOptionFacts,
} from '../domain/poll-rules.js';
import { parseZone } from '../domain/school-holidays.js';
import type { Store } from '../store/index.js';
import type { datePollWorkflow } from '../workflows/date-poll.js';
import { pollWorkflowId, type DatePollWorkflowInput } from '../workflows/poll-definitions.js';

export type NewPoll = Omit<NewPollInput, 'actor' | 'convention'>;

export interface StartedPoll {
  pollId: string;
  workflowId: string;
  options: PollOptionFacts[];
  participants: string[];
  /** School holidays and the like: the dates stand, but the organiser should know. */
  warnings: FieldIssue[];
}

/**
 * Starts a date poll for a meeting of an instance: checks who asks, the proposed dates against
 * the French calendar (weekends and public holidays refused, school holidays warned about), the
 * deadline and the instance's convocation delay; records the poll and its dates, then starts its
 * workflow, which invites the participants (the instance's members unless others are named; outside
 * addresses only when the organiser confirms them).
 */
export async function startPoll(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  input: NewPoll,
  actor: Actor,
  options: { now?: Date; timing?: DatePollWorkflowInput['timing']; workflowId?: string } = {},
): Promise<StartedPoll> {
  const now = options.now ?? new Date();
  const convention = await deps.store.conventions.findSettings(conventionId);
  const zone = convention.timezone;
  const instance = await deps.store.conventions.findInstance(conventionId, input.instance);
  if (!instance)
    throw new DomainError('INVALID_INPUT', `Aucune instance « ${input.instance} » dans cette convention.`, 'instance');
  const kind = instance.kind as InstanceKind;
  assertMayManagePoll(kind, actor, 'create');

  const placed = input.options.map((option, i) => ({ ...option, ...optionTimes(option, zone, `options.${i}`) }));
  const deadline = new Date(input.deadline);
  const warnings = checkPollDates(convention, instance, placed, deadline, now);

  const members = new Set(await deps.store.conventions.listInstanceMembers({ conventionId }));
  const participants = pollInvitees(input.participants ?? instance.members, members, input.outsiders);
  if (participants.length === 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `L’instance « ${instance.name} » n’a aucun membre : indiquez qui répond (« participants »).`,
      'participants',
    );
  }

  const pollId = randomUUID();
  const workflowId = options.workflowId ?? pollWorkflowId(pollId);
  const poll = await deps.store.polls.create({
    id: pollId,
    conventionId,
    key: `${keyOf(input.title)}-${pollId.slice(0, 8)}`,
    title: input.title,
    description: input.description ?? null,
    organizerEmail: actor.email.toLowerCase(),
    instance: { id: instance.id, slug: instance.slug },
    location: input.location ?? null,
    participants,
    deadline,
    workflowId,
    options: placed.map((o) => ({
      kind: o.kind,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      label: optionLabel(o.kind, o.startsAt, o.endsAt, zone),
      capacity: o.capacity ?? null,
    })),
    actorEmail: actor.email,
    at: now,
  });

  const workflowInput = pollWorkflowInput({ ...poll, deadline }, kind, zone, options.timing);
  await deps.client.workflow.start<typeof datePollWorkflow>('datePollWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [workflowInput],
  });
  return { pollId, workflowId, options: workflowInput.options, participants, warnings };
}

/**
 * The checks a poll passes before it starts: its dates against the French calendar (weekends and
 * public holidays refused), the deadline (after now, before the first date) and the instance's
 * convocation delay after it. Returns the warnings (school holidays).
 */
export function checkPollDates(
  convention: { charter: unknown; timezone: string; schoolZone: string | null },
  instance: { kind: string; convocationDelayDays: number | null },
  placed: ReadonlyArray<{ startsAt: Date; endsAt: Date }>,
  deadline: Date,
  now: Date,
): FieldIssue[] {
  const zone = convention.timezone;
  const { warnings } = checkProposedDates(placed, zone, parseZone(convention.schoolZone));
  assertDeadline(deadline, placed, now, zone);
  assertConvocationDelayAfterDeadline(
    placed,
    deadline,
    convocationDelayFor(parseCharter(convention.charter), instance.kind as InstanceKind, instance.convocationDelayDays),
    zone,
  );
  return warnings;
}

/** The input of a stored poll's workflow. */
export function pollWorkflowInput(
  poll: {
    id: string;
    conventionId: string;
    title: string;
    organizerEmail: string;
    deadline: Date;
    participants: string[];
    options: ReadonlyArray<{
      id: string;
      kind: string;
      startsAt: Date;
      endsAt: Date;
      label: string;
      capacity: number | null;
    }>;
  },
  instanceKind: InstanceKind,
  zone: string,
  timing: DatePollWorkflowInput['timing'],
): DatePollWorkflowInput {
  return {
    pollId: poll.id,
    conventionId: poll.conventionId,
    title: poll.title,
    instanceKind,
    organizerEmail: poll.organizerEmail,
    deadline: poll.deadline.toISOString(),
    zone,
    options: poll.options.map((o) => ({
      id: o.id,
      kind: o.kind as PollOptionFacts['kind'],
      startsAt: o.startsAt.toISOString(),
      endsAt: o.endsAt.toISOString(),
      label: o.label,
      capacity: o.capacity,
    })),
    participants: poll.participants,
    ...(timing ? { timing } : {}),
  };
}

/** A poll's key from its title: « Journée d’élaboration » gives « journee-d-elaboration ». */
function keyOf(title: string): string {
  const key = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return key || 'sondage';
}
