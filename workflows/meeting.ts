import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  parseAttendance,
  parseCancel,
  parseDecisionSummary,
  parseDeclineCounter,
  parseMinutes,
  parseReschedule,
} from '../domain/meeting-input.js';
import {
  assertConvocationDate,
  checkConvocationDate,
  convocationDateOutcome,
  type ConvocationDate,
} from '../domain/convocation-date.js';
import {
  assertAttendance,
  assertMayManageMeeting,
  assertMeetingAction,
  quorumReached,
  reminderTimes,
  type MeetingAction,
  type PartStat,
} from '../domain/meeting-rules.js';
import { countSeats, pairSuppleants, suppleantOf } from '../domain/meeting-seats.js';
import { addLocalDays, dayAfterAt, durationUntil } from '../domain/paris-time.js';
import { MISSING_MINUTES, MISSING_PUBLICATION } from '../domain/open-decisions.js';
import type { MeetingActivities, MeetingChange, MeetingFacts } from '../activities/meetings.js';
import type { MeetingMailActivities, MeetingMailRequest } from '../activities/meeting-mail.js';
import type { CalendarPushRequest, CaldavPushActivities } from '../activities/caldav-push.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { meetingScheduledSignal } from './definitions.js';
import { CALDAV_ACTIVITY, MAIL_ACTIVITY, STORE_ACTIVITY } from './activity-options.js';
import { asFailure } from './failures.js';
import { OneStepAtATime } from './plumbing/one-step-at-a-time.js';
import { Outbox } from './plumbing/outbox.js';
import {
  DEFAULT_MEETING_TIMING,
  agendaChangedSignal,
  cancelUpdate,
  declineCounterUpdate,
  fileMinutesUpdate,
  meetingStateQuery,
  recordAttendanceUpdate,
  rescheduleUpdate,
  rsvpSignal,
  sendDecisionSummaryUpdate,
  type MeetingState,
  type MeetingWorkflowInput,
} from './meeting-definitions.js';

const store = proxyActivities<MeetingActivities>(STORE_ACTIVITY);
const mail = proxyActivities<MeetingMailActivities>(MAIL_ACTIVITY);
const caldav = proxyActivities<CaldavPushActivities>(CALDAV_ACTIVITY);
const caldavFailures = proxyActivities<CaldavPushActivities>(STORE_ACTIVITY);

/** Reminders to publish the relevé once the compte rendu is filed: after these, the boards still show it late. */
const MAX_PUBLICATION_REMINDERS = 3;

/** The mails that carry a version of the calendar event: each goes to the linked CalDAV calendars too. */
const CALENDAR_VERSIONS: ReadonlySet<Mailing['kind']> = new Set(['convocation', 'update', 'cancel']);

type Mailing = Pick<MeetingMailRequest, 'kind' | 'occasion'> &
  Partial<Pick<MeetingMailRequest, 'previous' | 'daysBefore' | 'missing' | 'counterId' | 'comment' | 'seat'>> & {
    to: 'members' | 'secretaries' | { email: string };
  };

/**
 * One meeting of an instance, from its convocation to its compte rendu: the members are convened
 * with the ordre du jour as the fiches put themselves on it, reminded before (J-7, J-1 unless the
 * instance says otherwise, on the working day before when that is a day off; those who declined
 * are not), told of each change with the same calendar UID and a higher SEQUENCE (a new date asks
 * everyone's answer again), and after the meeting the secretary is reminded until the compte
 * rendu is filed, which then goes to the members. A new date passes the checks of
 * domain/convocation-date.ts, or is overridden.
 *
 * A titulaire who declines (by link or iMIP, both through the RSVP signal) leaves their seat to
 * their suppléant, convened at once with a REQUEST of the same event (same UID and SEQUENCE: RFC
 * 5546 §2.1.4 raises SEQUENCE for a change of time, place or status, not for an attendee added,
 * and §3.2.2 lets the organizer send the REQUEST to the new attendee only; the others' copies are
 * not sent again, as Outlook does with only new attendees), and told in return that they may give
 * a pouvoir through a signed link. From then on the suppléant gets the meeting's mails as a member.
 */
export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingState> {
  const { workflowId } = workflowInfo();
  // A mail to N members is one activity; runs started before send one per member.
  const batched = patched('notices-batched');
  const timing = { ...DEFAULT_MEETING_TIMING, ...input.timing };
  let loaded: MeetingFacts | undefined = undefined;
  const steps = new OneStepAtATime({
    busy: 'Une autre modification de cette réunion est en cours d’enregistrement : réessayez dans un instant.',
    preparing: 'La réunion est en cours de préparation : réessayez dans un instant.',
  });
  /** The meeting's facts, once read at start; a step arriving before is asked to wait a moment. */
  const facts = (): MeetingFacts => steps.prepared(loaded);
  const state: MeetingState = {
    meetingId: input.meetingId,
    status: 'planifiee',
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    sequence: 0,
    agendaSent: [],
    attendance: null,
    quorumReached: null,
    decisionsSentAt: null,
    minutesFiledAt: null,
    nextReminder: null,
    rsvp: {},
    suppleants: {},
  };
  /** Numbers the changes recorded, for their idempotency keys. */
  let recorded = 0;
  let agendaChanges = 0;
  /** When a reschedule last asked every member again (ISO): answers given before are void. */
  let answersAskedAt: string | null = null;
  /** Raised by a reschedule or a cancellation: the waits before the meeting start again. */
  let changes = 0;
  const outbox = new Outbox<{ mailing: Mailing; sequence: number; issuedAt: string }>(send);

  function queue(mailing: Mailing): void {
    const issuedAt = new Date().toISOString();
    outbox.push({ mailing, sequence: state.sequence, issuedAt });
    // Runs convened before calendars could be linked have no calendar pushes in their histories.
    if (CALENDAR_VERSIONS.has(mailing.kind) && patched('caldav-push'))
      calendarPushes.push({
        meetingId: input.meetingId,
        sequence: state.sequence,
        issuedAt,
        cancelled: mailing.kind === 'cancel',
      });
  }

  /**
   * Writes a version of the meeting into the linked CalDAV calendars, beside the workflow: it never
   * holds a step back, and a calendar server still down once the retries are spent is recorded
   * (the person's page, the audit log) rather than failing the meeting.
   */
  const calendarPushes = new Outbox<CalendarPushRequest>(async (request) => {
    try {
      (await caldav.pushMeetingToCalendars(request)).answers.forEach(takeAnswer);
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : error;
      const message = cause instanceof Error ? cause.message : String(cause);
      await caldavFailures.recordCalendarPushFailure({ ...request, error: message });
    }
  });

  async function send({
    mailing,
    sequence,
    issuedAt,
  }: {
    mailing: Mailing;
    sequence: number;
    issuedAt: string;
  }): Promise<void> {
    const { to, ...request } = mailing;
    const recipients =
      typeof to === 'object'
        ? [to.email]
        : to === 'members'
          ? members()
          : facts().secretaries.length > 0
            ? facts().secretaries
            : facts().members;
    if (batched) {
      await mail.sendMeetingMails({
        ...request,
        meetingId: input.meetingId,
        workflowId,
        recipients,
        sequence,
        issuedAt,
      });
      return;
    }
    await Promise.all(
      recipients.map((recipient) =>
        mail.sendMeetingMail({ ...request, meetingId: input.meetingId, workflowId, recipient, sequence, issuedAt }),
      ),
    );
  }

  /** Who is convened: the titulaires, and the suppléants called in their place. */
  const members = (): string[] => [...facts().members, ...Object.keys(state.suppleants)];

  /**
   * A titulaire declined: their suppléant is convened (once) and they are offered to give a pouvoir.
   * Only before the meeting, once convened: an answer is given to a convocation.
   */
  async function seatDeclined(email: string): Promise<void> {
    if (!loaded || state.status !== 'convoquee' || Date.now() >= Date.parse(state.startsAt)) return;
    const seats = facts().seats ?? [];
    if (!seats.some((s) => s.email === email && s.seat === 'titulaire')) return;
    const { suppleants } = state;
    const suppleant = suppleantOf(email, seats);
    if (suppleant !== null && !(suppleant in suppleants) && !facts().members.includes(suppleant)) {
      await store.inviteSuppleant({ meetingId: input.meetingId, email: suppleant });
      suppleants[suppleant] = email;
      queue({
        kind: 'suppleant',
        occasion: `suppleant-${suppleant}`,
        seat: { titulaire: email, suppleant },
        to: { email: suppleant },
      });
    }
    queue({
      kind: 'proxy_offer',
      occasion: `proxy-offer-${email}-${state.sequence}`,
      seat: { titulaire: email, suppleant: suppleant !== null && suppleant in suppleants ? suppleant : null },
      to: { email },
    });
  }

  /** Tells fiches of this meeting: that it exists (`moved` false), or that it moved or was cancelled. */
  async function tellFiches(ficheWorkflowIds: string[], moved: boolean): Promise<void> {
    for (const ficheWorkflowId of ficheWorkflowIds) {
      // A fiche whose workflow has ended has nothing left to do with it.
      await getExternalWorkflowHandle(ficheWorkflowId)
        .signal(meetingScheduledSignal, {
          instanceKind: facts().instanceKind,
          ...(moved ? { meetingId: input.meetingId } : {}),
        })
        .catch(() => undefined);
    }
  }

  function guard(action: MeetingAction, actor: Actor): void {
    steps.assertIdle();
    assertMayManageMeeting(facts().instanceKind, actor, action);
    assertMeetingAction(action, state.status, new Date(state.startsAt), new Date());
  }

  /** Records a change (meeting row + audit line) before the state moves, so both agree. */
  async function record(
    change: Omit<MeetingChange, 'meetingId' | 'idempotencyKey' | 'at'>,
    apply: () => void,
  ): Promise<MeetingState> {
    return steps.run(async () => {
      const at = new Date().toISOString();
      recorded += 1;
      await store.recordMeetingChange({
        ...change,
        meetingId: input.meetingId,
        idempotencyKey: `${workflowId}:change-${recorded}`,
        at,
      });
      apply();
      return state;
    });
  }

  /** A new date as the convocation rules see it: the update goes out now. */
  const newDate = (startsAt: string): ConvocationDate => ({
    startsAt: new Date(startsAt),
    convenedAt: new Date(),
    delayDays: facts().convocationDelayDays,
    zone: facts().zone,
    schoolZone: facts().schoolZone ?? null,
  });

  setHandler(
    rescheduleUpdate,
    async (raw) => {
      const change = parseReschedule(raw);
      const previous = { startsAt: state.startsAt, endsAt: state.endsAt };
      // The validator refused a breach without an override; recorded without throwing, so a run that
      // took a date before these checks existed replays.
      const dateCheck = convocationDateOutcome(checkConvocationDate(newDate(change.startsAt)), change.override);
      return record(
        {
          action: 'reschedule',
          actorEmail: change.actor.email,
          sequence: state.sequence + 1,
          startsAt: change.startsAt,
          endsAt: change.endsAt,
          ...(change.location !== undefined ? { location: change.location } : {}),
          ...(change.visioUrl !== undefined ? { visioUrl: change.visioUrl } : {}),
          ...(change.reason || change.counter
            ? {
                details: {
                  ...(change.reason ? { reason: change.reason } : {}),
                  ...(change.counter ? { counterOf: change.counter.from } : {}),
                },
              }
            : {}),
          ...(change.counter ? { counter: { id: change.counter.id, status: 'accepted' as const } } : {}),
          dateCheck,
        },
        () => {
          state.sequence += 1;
          state.startsAt = change.startsAt;
          state.endsAt = change.endsAt;
          // The store put every answer back to « en attente »: the update asks again.
          state.rsvp = {};
          answersAskedAt = new Date().toISOString();
          changes += 1;
          if (state.status === 'convoquee')
            queue({ kind: 'update', occasion: `update-${state.sequence}`, previous, to: 'members' });
        },
      );
    },
    {
      validator: (raw) =>
        asFailure(() => {
          const change = parseReschedule(raw);
          guard('reschedule', change.actor);
          assertConvocationDate(newDate(change.startsAt), change.override);
        }),
    },
  );

  setHandler(
    declineCounterUpdate,
    async (raw) => {
      const { actor, counter, comment } = parseDeclineCounter(raw);
      return record(
        {
          action: 'declineCounter',
          actorEmail: actor.email,
          counter: { id: counter.id, status: 'declined' },
          details: { counterOf: counter.from, ...(comment ? { reason: comment } : {}) },
        },
        () =>
          queue({
            kind: 'counter_declined',
            occasion: `counter-declined-${recorded}`,
            counterId: counter.id,
            ...(comment ? { comment } : {}),
            to: { email: counter.from },
          }),
      );
    },
    // Declining a proposal is the organiser's, as moving the meeting is.
    { validator: (raw) => asFailure(() => guard('reschedule', parseDeclineCounter(raw).actor)) },
  );

  setHandler(
    cancelUpdate,
    async (raw) => {
      const change = parseCancel(raw);
      const wasConvened = state.status === 'convoquee';
      return record(
        {
          action: 'cancel',
          actorEmail: change.actor.email,
          status: 'annulee',
          sequence: state.sequence + 1,
          cancelReason: change.reason,
        },
        () => {
          state.status = 'annulee';
          state.sequence += 1;
          changes += 1;
          if (wasConvened) queue({ kind: 'cancel', occasion: `cancel-${state.sequence}`, to: 'members' });
        },
      );
    },
    { validator: (raw) => asFailure(() => guard('cancel', parseCancel(raw).actor)) },
  );

  setHandler(
    recordAttendanceUpdate,
    async (raw) => {
      const { actor, ...attendance } = parseAttendance(raw);
      const { seats, seatRules } = facts();
      // Suppléants in place of an absent titulaire count as them (domain/meeting-seats.ts).
      const reached =
        seats && seatRules
          ? countSeats({
              titulaires: facts().titulaires,
              present: attendance.present.map((e) => e.toLowerCase()),
              suppleantFor: pairSuppleants(seats),
              proxies: attendance.proxies.length,
              quorum: facts().quorum,
              quorumCountsProxies: seatRules.quorumCountsProxies,
            }).reached
          : quorumReached(
              attendance.present.filter((e) => facts().titulaires.includes(e)).length,
              facts().titulaires.length,
              facts().quorum,
            );
      return record(
        {
          action: 'recordAttendance',
          actorEmail: actor.email,
          status: 'tenue',
          attendance,
          quorumReached: reached,
          details: {
            present: attendance.present.length,
            excused: attendance.excused.length,
            proxies: attendance.proxies.length,
          },
        },
        () => {
          state.status = 'tenue';
          state.attendance = attendance;
          state.quorumReached = reached;
        },
      );
    },
    {
      validator: (raw) =>
        asFailure(() => {
          const { actor, ...attendance } = parseAttendance(raw);
          guard('recordAttendance', actor);
          const { seats, seatRules } = facts();
          // Any member may sit, a suppléant who came unannounced too.
          assertAttendance(
            attendance,
            seats ? seats.map((s) => s.email) : facts().members,
            seatRules?.maxProxiesPerHolder ?? 1,
          );
        }),
    },
  );

  setHandler(
    sendDecisionSummaryUpdate,
    async (raw) =>
      record({ action: 'sendDecisionSummary', actorEmail: parseDecisionSummary(raw).actor.email }, () => {
        state.decisionsSentAt = new Date().toISOString();
        queue({ kind: 'decisions', occasion: `decisions-${state.decisionsSentAt}`, to: 'members' });
      }),
    { validator: (raw) => asFailure(() => guard('sendDecisionSummary', parseDecisionSummary(raw).actor)) },
  );

  setHandler(
    fileMinutesUpdate,
    async (raw) => {
      const { actor, ref } = parseMinutes(raw);
      return record({ action: 'fileMinutes', actorEmail: actor.email, minutesRef: ref }, () => {
        state.minutesFiledAt = new Date().toISOString();
        // The compte rendu goes to the members; runs that filed theirs before this change did not mail it.
        if (patched('minutes-mailed'))
          queue({ kind: 'minutes', occasion: `filed-minutes-${state.minutesFiledAt}`, to: 'members' });
      });
    },
    { validator: (raw) => asFailure(() => guard('fileMinutes', parseMinutes(raw).actor)) },
  );

  setHandler(agendaChangedSignal, () => {
    agendaChanges += 1;
  });
  /** An answer recorded in the store, by link, iMIP or read in a linked calendar; false when it came too late. */
  function takeAnswer({ email, partstat, at }: { email: string; partstat: PartStat; at: string }): boolean {
    // Told late of an answer to a date since moved: the store reset it, and so does the state.
    if (answersAskedAt !== null && at < answersAskedAt) return false;
    state.rsvp[email.toLowerCase()] = partstat;
    return true;
  }
  setHandler(rsvpSignal, async (answer) => {
    // Runs that heard declines before suppléants were convened did not convene them.
    if (takeAnswer(answer) && answer.partstat === 'DECLINED' && patched('suppleant-invited')) {
      await seatDeclined(answer.email.toLowerCase());
    }
  });
  setHandler(meetingStateQuery, () => state);

  // Handlers first, so a query or an update arriving while the facts load finds them.
  loaded = await store.prepareMeeting({ meetingId: input.meetingId });
  Object.assign(state, {
    status: loaded.status,
    startsAt: loaded.startsAt,
    endsAt: loaded.endsAt,
    sequence: loaded.sequence,
  });
  // Fiches waiting for a meeting of this body put themselves on its agenda before the convocation.
  if (state.status === 'planifiee')
    await tellFiches(await store.fichesUnderReview({ conventionId: input.conventionId }), false);
  outbox.start();
  calendarPushes.start();

  /** Waits until `ready()` or the instant `until` (ISO), whichever first; true when ready. */
  const waitUntil = (ready: () => boolean, until: string) =>
    condition(ready, durationUntil(new Date(), new Date(until)));
  const cancelled = () => state.status === 'annulee';

  // The convocation carries the ordre du jour: it waits until the fiches stop joining it.
  if (state.status === 'planifiee') {
    // Never past the start: a meeting convened at short notice is convened before it begins.
    const assemblyEnds = Math.min(Date.now() + 10 * timing.agendaQuietMs, Date.parse(state.startsAt));
    for (let seen = -1; seen !== agendaChanges && Date.now() < assemblyEnds && !cancelled();) {
      seen = agendaChanges;
      await condition(
        () => agendaChanges !== seen || cancelled(),
        Math.min(timing.agendaQuietMs, assemblyEnds - Date.now()),
      );
    }
    if (!cancelled()) {
      state.agendaSent = await store.meetingAgenda({ meetingId: input.meetingId });
      await record(
        {
          action: 'convene',
          actorEmail: 'concerto',
          status: 'convoquee',
          details: { agendaItems: state.agendaSent.length },
        },
        () => {
          state.status = 'convoquee';
          queue({ kind: 'convocation', occasion: `convocation-${state.sequence}`, to: 'members' });
        },
      );
    }
  }

  // Before the meeting: reminders, agenda updates, and whatever a reschedule or a cancellation changes.
  const fichesToldOf = { changes: 0 };
  while (!cancelled() && Date.now() < Date.parse(state.startsAt)) {
    if (fichesToldOf.changes !== changes) {
      fichesToldOf.changes = changes;
      await tellFiches(await store.fichesOnAgenda({ meetingId: input.meetingId }), true);
      continue;
    }
    const seenChanges = changes;
    const seenAgenda = agendaChanges;
    const next = reminderTimes(
      new Date(state.startsAt),
      facts().reminderDaysBefore,
      timing.reminderHour,
      facts().zone,
      new Date(),
      // A reminder due on a weekend or a public holiday goes the working day before; runs started
      // before this change keep their timers where they were.
      { workingDays: patched('reminders-on-working-days') },
    )[0];
    state.nextReminder = next?.at.toISOString() ?? null;
    const wake = state.nextReminder ?? state.startsAt;
    if (await waitUntil(() => changes !== seenChanges || agendaChanges !== seenAgenda, wake)) {
      if (agendaChanges !== seenAgenda && changes === seenChanges) {
        // Several fiches often join at once: one update once they stop.
        for (let seen = -1; seen !== agendaChanges && changes === seenChanges;) {
          seen = agendaChanges;
          await condition(() => agendaChanges !== seen || changes !== seenChanges, timing.agendaUpdateQuietMs);
        }
        const agenda = await store.meetingAgenda({ meetingId: input.meetingId });
        if (
          !cancelled() &&
          agenda.join('\n') !== state.agendaSent.join('\n') &&
          Date.now() < Date.parse(state.startsAt)
        ) {
          await record(
            {
              action: 'convene',
              actorEmail: 'concerto',
              sequence: state.sequence + 1,
              details: { agendaItems: agenda.length },
            },
            () => {
              state.sequence += 1;
              state.agendaSent = agenda;
              queue({ kind: 'update', occasion: `update-${state.sequence}`, to: 'members' });
            },
          );
        }
      }
      continue;
    }
    if (next)
      queue({
        kind: 'reminder',
        occasion: `reminder-${state.startsAt}-J${next.daysBefore}`,
        daysBefore: next.daysAhead,
        to: 'members',
      });
  }
  state.nextReminder = null;
  if (fichesToldOf.changes !== changes)
    await tellFiches(await store.fichesOnAgenda({ meetingId: input.meetingId }), true);

  // After the meeting: the secretary is reminded until the compte rendu is filed and, for runs since this change, the
  // relevé published (read at each reminder's time: publishing is not a message to the workflow), a few times at most.
  if (!cancelled()) {
    const untilPublished = patched('releve-publication-reminder');
    let due = dayAfterAt(new Date(state.endsAt), timing.reminderHour, 0, facts().zone);
    let published = false;
    let publicationReminders = 0;
    const owed = () =>
      !state.minutesFiledAt || (untilPublished && !published && publicationReminders < MAX_PUBLICATION_REMINDERS);
    while (owed()) {
      state.nextReminder = due.toISOString();
      const filed = state.minutesFiledAt !== null;
      if (await waitUntil(() => !filed && state.minutesFiledAt !== null, state.nextReminder)) continue;
      if (untilPublished) {
        published = await store.decisionsPublished({ meetingId: input.meetingId });
        if (!owed()) break;
      }
      const missing = [
        ...(state.attendance ? [] : ['les présences']),
        ...(state.decisionsSentAt ? [] : ['le relevé de décisions']),
        ...(state.minutesFiledAt ? [] : [MISSING_MINUTES]),
        ...(untilPublished && !published ? [MISSING_PUBLICATION] : []),
      ];
      queue({ kind: 'minutes_reminder', occasion: `minutes-${state.nextReminder}`, missing, to: 'secretaries' });
      if (state.minutesFiledAt) publicationReminders += 1;
      due = addLocalDays(due, timing.minutesReminderEveryDays, facts().zone);
    }
    state.nextReminder = null;
  }

  await condition(allHandlersFinished);
  await outbox.close();
  await calendarPushes.close();
  return state;
}
