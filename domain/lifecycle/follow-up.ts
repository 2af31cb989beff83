import type { InstanceKind } from '../charter.js';
import { addLocalDays, anniversary, atLocalTime, dayAfterAt, toLocal } from '../paris-time.js';
import type { LifecycleState } from './model.js';
import { pendingStep } from './pending-step.js';

/** The bodies whose decision a fiche waits for at one of their meetings, with reminders. */
export const REVIEWING_BODIES: ReadonlySet<InstanceKind> = new Set(['cotech', 'copil', 'bureau_communautaire']);

/**
 * What a fiche's workflow follows now, as it writes it on the fiche's row so that boards read
 * deadlines from the store instead of querying each workflow (ISO instants; `what` in French).
 */
export type FollowUp =
  /** A body's decision awaited: reminded, then escalated, once the fiche is on a meeting's agenda. */
  | { kind: 'review'; what: string | null; reminder?: string; escalation?: string }
  /** En œuvre: the pilot is reminded of the évaluation on each anniversary of `start`. */
  | { kind: 'evaluation'; what: string | null; start: string; zone: string }
  | { kind: 'none'; what: string | null };

/** The delays a lifecycle runs with (the convention's, over the defaults). */
export interface ReviewTiming {
  zone: string;
  /** Reminders go out at this local hour. */
  reminderHour: number;
  remindAfterDays: number;
  escalateAfterDays: number;
  byInstance?: Partial<Record<InstanceKind, { remindAfterDays?: number; escalateAfterDays?: number }>>;
}

/**
 * When a body's secretary is reminded of a decision not recorded, then the coordinators told: so
 * many days after its meeting, at the reminder hour; the coordinators never before the secretary.
 */
export function reviewDeadlines(
  meetingStartsAt: string,
  instanceKind: InstanceKind,
  timing: ReviewTiming,
): { reminder: Date; escalation: Date; escalateAfterDays: number } {
  const own = timing.byInstance?.[instanceKind];
  const remindAfterDays = own?.remindAfterDays ?? timing.remindAfterDays;
  const escalateAfterDays = Math.max(own?.escalateAfterDays ?? timing.escalateAfterDays, remindAfterDays);
  const dayAfter = dayAfterAt(new Date(meetingStartsAt), timing.reminderHour, 0, timing.zone);
  return {
    reminder: addLocalDays(dayAfter, remindAfterDays - 1, timing.zone),
    escalation: addLocalDays(dayAfter, escalateAfterDays - 1, timing.zone),
    escalateAfterDays,
  };
}

/** The instant whose anniversaries are the évaluations' due dates: the start's day, at the reminder hour. */
export function evaluationStart(implementationStartedAt: string, timing: Pick<ReviewTiming, 'zone' | 'reminderHour'>) {
  return atLocalTime(toLocal(implementationStartedAt, timing.zone), timing.reminderHour, 0, timing.zone);
}

/** The first anniversary of `start` after `now`: when the next évaluation is due. */
export function nextEvaluationDue(start: Date, now: Date, zone: string): Date {
  let years = 1;
  let due = anniversary(start, years, zone);
  while (due.getTime() <= now.getTime()) due = anniversary(start, ++years, zone);
  return due;
}

/**
 * What the workflow follows once the fiche is at `lifecycle`: a body's decision (with its deadlines
 * when the agenda's meeting is known, `meetingStartsAt`), the yearly évaluation, or nothing.
 */
export function followUpOf(
  lifecycle: LifecycleState,
  timing: ReviewTiming,
  known: { meetingStartsAt?: string; implementationStartedAt?: string },
): FollowUp {
  const pending = pendingStep(lifecycle);
  const what = pending?.what ?? null;
  if (pending && REVIEWING_BODIES.has(pending.instanceKind)) {
    if (known.meetingStartsAt === undefined) return { kind: 'review', what };
    const { reminder, escalation } = reviewDeadlines(known.meetingStartsAt, pending.instanceKind, timing);
    return { kind: 'review', what, reminder: reminder.toISOString(), escalation: escalation.toISOString() };
  }
  if (lifecycle.stage === 'en_oeuvre' && !lifecycle.review && known.implementationStartedAt)
    return {
      kind: 'evaluation',
      what,
      start: evaluationStart(known.implementationStartedAt, timing).toISOString(),
      zone: timing.zone,
    };
  return { kind: 'none', what };
}

/** The deadlines a board shows for a fiche whose row says what its workflow follows. */
export function followUpDeadlines(
  followUp: FollowUp,
  now: Date,
): { reminder?: string; escalation?: string; evaluation?: string } {
  switch (followUp.kind) {
    case 'review':
      return followUp.reminder && followUp.escalation
        ? { reminder: followUp.reminder, escalation: followUp.escalation }
        : {};
    case 'evaluation':
      return { evaluation: nextEvaluationDue(new Date(followUp.start), now, followUp.zone).toISOString() };
    case 'none':
      return {};
  }
}
