import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CalendarActivities, CalendarYearFacts } from '../activities/calendar.js';
import type { MailActivities } from '../activities/mail.js';
import { DomainError } from '../domain/errors.js';
import { earliestMeetingDay } from '../domain/meeting-rules.js';
import { assertMayPlanCalendar, calendarOfYear } from '../domain/meeting-recurrence.js';
import { atLocalTime, durationUntil, fromLocal, parseDateKey, shiftDate } from '../domain/paris-time.js';
import { parseZone } from '../domain/school-holidays.js';
import { MAIL_ACTIVITY, STORE_ACTIVITY } from './activity-options.js';
import { asFailure } from './failures.js';
import { OneStepAtATime } from './plumbing/one-step-at-a-time.js';
import {
  DEFAULT_CALENDAR_TIMING,
  calendarYearStateQuery,
  moveMilestoneUpdate,
  reloadRulesUpdate,
  type CalendarYearInput,
  type CalendarYearState,
  type PlannedMeeting,
} from './calendar-definitions.js';
import type { meetingWorkflow } from './meeting.js';

const calendar = proxyActivities<CalendarActivities>(STORE_ACTIVITY);
const mail = proxyActivities<MailActivities>(MAIL_ACTIVITY);

/**
 * A convention's calendar for one year: the instances' recurring meetings are created (and so
 * convened) in time for their legal delay, each as a meeting workflow of its own; the owners of
 * the rétroplanning's milestones are reminded before them. Changing a rule or moving a milestone
 * updates what has not happened yet. At the year's end it goes on as new into the next one, as
 * long as the convention runs (a prolongation moves its end).
 */
export async function calendarYearWorkflow(input: CalendarYearInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const timing = { ...DEFAULT_CALENDAR_TIMING, ...input.timing };
  const startedAt = new Date();
  const state: CalendarYearState = {
    conventionId: input.conventionId,
    year: input.year,
    rules: [],
    meetings: [],
    milestones: [],
    nextWake: null,
  };
  let facts: CalendarYearFacts | undefined = undefined;
  let changes = 0;
  const steps = new OneStepAtATime({
    busy: 'Une autre modification du calendrier est en cours : réessayez dans un instant.',
    preparing: 'Le calendrier se prépare : réessayez dans un instant.',
  });
  /** Reminders sent this year, by key: a moved milestone gets its reminders again, for its new date. */
  const reminded = new Set<string>();

  const ready = (): CalendarYearFacts => steps.ready(facts);

  /** The year's meetings from the rules, keeping those already created as they are. */
  function plan(): void {
    const known = ready();
    const created = new Map(state.meetings.filter((m) => m.meetingId).map((m) => [m.key, m]));
    const generated = calendarOfYear(state.rules, input.year, parseZone(known.schoolZone)).flatMap(
      (g): PlannedMeeting[] => {
        const instance = known.instances[g.instance];
        if (!instance) return [];
        const startsAt = atLocalTime(g.day, g.hour, g.minute, known.zone);
        const createAt = atLocalTime(
          shiftDate(g.day, -(instance.convocationDelayDays + 1 + timing.convokeAheadDays)),
          timing.reminderHour,
          0,
          known.zone,
        );
        return [
          created.get(g.key) ?? {
            key: g.key,
            instance: g.instance,
            title: instance.name,
            startsAt: startsAt.toISOString(),
            endsAt: new Date(startsAt.getTime() + g.durationMinutes * 60_000).toISOString(),
            createAt: createAt.toISOString(),
            notes: g.notes,
          },
        ];
      },
    );
    state.meetings = [
      ...generated,
      ...[...created.values()].filter((m) => !generated.some((g) => g.key === m.key)),
    ].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  function reminders(): Array<{
    key: string;
    at: Date;
    milestone: CalendarYearState['milestones'][number];
    daysBefore: number;
  }> {
    const known = ready();
    return state.milestones.flatMap((milestone) =>
      milestone.ownerEmail === null || milestone.status === 'fait'
        ? []
        : timing.milestoneReminderDays.map((daysBefore) => ({
            key: `${milestone.key}:${milestone.startDate}:J${daysBefore}`,
            at: atLocalTime(
              shiftDate(parseDateKey(milestone.startDate), -daysBefore),
              timing.reminderHour,
              0,
              known.zone,
            ),
            milestone,
            daysBefore,
          })),
    );
  }

  /** The year's facts, rules included, as the store has them now. */
  async function load(): Promise<void> {
    facts = await calendar.loadCalendarYear({ conventionId: input.conventionId, year: input.year });
    state.rules = facts.rules;
    state.milestones = facts.milestones;
  }

  setHandler(
    reloadRulesUpdate,
    async () => {
      // Never refused for timing: the rules are already stored, and the calendar must follow them.
      await condition(() => facts !== undefined && !steps.busy);
      await steps.run(load);
      plan();
      changes += 1;
      return state;
    },
    { validator: ({ actor }) => asFailure(() => assertMayPlanCalendar(actor)) },
  );

  setHandler(
    moveMilestoneUpdate,
    async ({ actor, key, startDate, reason }) =>
      steps.run(async () => {
        const moved = await calendar.moveMilestone({
          conventionId: input.conventionId,
          key,
          startDate,
          ...(reason ? { reason } : {}),
          actorEmail: actor.email,
          idempotencyKey: `${workflowId}:${input.year}:move-${key}-${startDate}`,
          at: new Date().toISOString(),
        });
        state.milestones = state.milestones.map((m) => (m.key === key ? moved : m));
        changes += 1;
        return state;
      }),
    {
      validator: ({ actor, key, startDate }) =>
        asFailure(() => {
          ready();
          assertMayPlanCalendar(actor);
          if (!state.milestones.some((m) => m.key === key))
            throw new DomainError('INVALID_INPUT', `Aucune étape « ${key} » dans le calendrier ${input.year}.`, 'key');
          try {
            parseDateKey(startDate);
          } catch {
            throw new DomainError(
              'INVALID_INPUT',
              '« startDate » s’écrit AAAA-MM-JJ, par exemple 2024-03-01.',
              'startDate',
            );
          }
        }),
    },
  );
  setHandler(calendarYearStateQuery, () => state);

  // The rules are read here, at each year's start, as well as when told: a change stored while
  // telling the workflow failed is taken up at the latest with the next year.
  await load();
  plan();
  const yearEnd = fromLocal({ year: input.year + 1, month: 1, day: 1, hour: 0, minute: 0 }, facts!.zone);

  while (Date.now() < yearEnd.getTime()) {
    const now = new Date();
    for (const meeting of state.meetings) {
      // Past ones (a calendar started during the year) are history, not work.
      if (
        meeting.meetingId ||
        meeting.tooLate ||
        meeting.createAt > now.toISOString() ||
        meeting.startsAt <= now.toISOString()
      )
        continue;
      if (
        new Date(meeting.startsAt) <
        earliestMeetingDay(now, facts!.instances[meeting.instance]!.convocationDelayDays, facts!.zone)
      ) {
        // Too late for the legal delay (the calendar started, or the rule changed, late): left to a person.
        meeting.tooLate = true;
        meeting.notes.push(
          'Trop tard pour convoquer dans le délai légal : planifiez-la à la main, ou à une autre date.',
        );
        continue;
      }
      const created = await calendar.createCalendarMeeting({
        conventionId: input.conventionId,
        ...meeting,
        at: now.toISOString(),
      });
      meeting.meetingId = created.meetingId;
      await startChild<typeof meetingWorkflow>('meetingWorkflow', {
        workflowId: created.workflowId,
        args: [created.input],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      }).catch((error: unknown) => {
        // Already running: the meeting was created by an earlier run of this calendar.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      });
    }
    for (const due of reminders()) {
      if (reminded.has(due.key) || due.at > now || due.at < startedAt) continue;
      reminded.add(due.key);
      await mail.sendNotification({
        idempotencyKey: `${workflowId}:milestone:${due.key}:${due.milestone.ownerEmail}`,
        workflowId,
        to: due.milestone.ownerEmail!,
        notice: {
          topic: 'calendar',
          kind: 'milestone-reminder',
          milestone: { title: due.milestone.title, startDate: due.milestone.startDate },
          daysBefore: due.daysBefore,
        },
      });
    }
    const upcoming = [
      ...state.meetings
        .filter((m) => !m.meetingId && !m.tooLate && m.startsAt > now.toISOString())
        .map((m) => new Date(m.createAt)),
      ...reminders()
        .filter((r) => !reminded.has(r.key) && r.at >= startedAt)
        .map((r) => r.at),
    ].filter((at) => at > now);
    const next = new Date(Math.min(yearEnd.getTime(), ...upcoming.map((at) => at.getTime())));
    state.nextWake = next.toISOString();
    const seen = changes;
    await condition(() => changes !== seen, durationUntil(now, next));
  }
  state.nextWake = null;
  await condition(allHandlersFinished);
  // Read again: an amendment may have prolonged the convention during the year.
  const { endDate } = await calendar.loadCalendarYear({ conventionId: input.conventionId, year: input.year + 1 });
  if (input.year + 1 <= parseDateKey(endDate).year) {
    await continueAsNew<typeof calendarYearWorkflow>({ ...input, year: input.year + 1 });
  }
}
