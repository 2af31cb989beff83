import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { PollMailActivities, PollMailRequest } from '../activities/poll-mail.js';
import type { PollActivities } from '../activities/polls.js';
import { DomainError } from '../domain/errors.js';
import { reminderTimes } from '../domain/meeting-rules.js';
import { atLocalTime, durationUntil, formatFrench, shiftDate, toLocal } from '../domain/paris-time.js';
import { parseChooseOption, parseClosePoll, parseSignUp, parseVote } from '../domain/poll-input.js';
import {
  assertBallot,
  assertMayManagePoll,
  assertPollStatus,
  choosePollOption,
  tallyPoll,
  type Ballot,
  type ChoiceReason,
} from '../domain/poll-rules.js';
import { MAIL_ACTIVITY, STORE_ACTIVITY } from './activity-options.js';
import { asFailure } from './failures.js';
import type { meetingWorkflow } from './meeting.js';
import {
  DEFAULT_POLL_TIMING,
  chooseAmongTiedUpdate,
  closePollUpdate,
  pollStateQuery,
  signUpUpdate,
  voteUpdate,
  withdrawSignUpUpdate,
  type DatePollWorkflowInput,
  type PollState,
} from './poll-definitions.js';

const store = proxyActivities<PollActivities>(STORE_ACTIVITY);
const mail = proxyActivities<PollMailActivities>(MAIL_ACTIVITY);

/**
 * One date poll: the participants are invited to answer for each proposed date (oui, si
 * nécessaire, non) and may sign up where a date takes volunteers; those who have not answered are
 * reminded before the deadline; at the deadline, or when the organiser closes it, the date is
 * chosen by the rule (most oui, then oui + si nécessaire, then the earliest) or, in a tie, by the
 * organiser. The chosen date becomes a meeting of the instance, whose own workflow (started as a
 * child that outlives the poll) convenes its members; every participant is told the result.
 */
export async function datePollWorkflow(input: DatePollWorkflowInput): Promise<PollState> {
  const { workflowId } = workflowInfo();
  // A mail to N people is one activity; runs started before send one per person.
  const batched = patched('notices-batched');
  const timing = { ...DEFAULT_POLL_TIMING, ...input.timing };
  const participants = [...new Set(input.participants.map((p) => p.toLowerCase()))].sort();
  const deadline = new Date(input.deadline);
  const state: PollState = {
    pollId: input.pollId,
    status: 'ouvert',
    deadline: input.deadline,
    ballots: {},
    tallies: tallyPoll(input.options, {}),
    awaiting: participants,
    tied: [],
    chosenOptionId: null,
    reason: null,
    chosenBy: null,
    closedAt: null,
    closedBy: null,
    meetingId: null,
    nextReminder: null,
  };
  let closeRequestedBy: string | null = null;
  let tieBrokenWith: { optionId: string; by: string } | null = null;
  /** Ballots reach the database one after the other, in the order they were taken. */
  let persisted: Promise<void> = Promise.resolve();

  function guardVote(): void {
    assertPollStatus(state.status, 'vote');
    if (closeRequestedBy !== null || Date.now() >= deadline.getTime()) {
      throw new DomainError(
        'WRONG_STAGE',
        `Le sondage est clos depuis le ${formatFrench(deadline, input.zone, { withTime: true })} ` +
          `: les réponses ne sont plus prises.`,
      );
    }
  }

  /** Checks a ballot against the poll as it is now. */
  function checkBallot(email: string, ballot: Pick<Ballot, 'answers' | 'signUps'>): void {
    guardVote();
    assertBallot(email, ballot, input.options, participants, state.ballots);
  }

  /** Takes a ballot into the state at once (so the next one is checked against it), then stores it. */
  async function take(email: string, ballot: Pick<Ballot, 'answers' | 'signUps'>): Promise<PollState> {
    const voter = email.toLowerCase();
    // Checked again: another update may have taken the last place since the validator ran.
    asFailure(() => checkBallot(voter, ballot));
    const taken: Ballot = {
      answers: { ...ballot.answers },
      signUps: [...new Set(ballot.signUps)].sort(),
      at: new Date().toISOString(),
    };
    state.ballots[voter] = taken;
    state.tallies = tallyPoll(input.options, state.ballots);
    state.awaiting = participants.filter((p) => !state.ballots[p]);
    persisted = persisted.then(() =>
      store.recordBallot({ pollId: input.pollId, email: voter, answers: taken.answers, signUps: taken.signUps }),
    );
    await persisted;
    return state;
  }

  /** A participant's ballot with one sign-up more or less; signing up wants an answer first. */
  function withSignUp(email: string, optionId: string, signed: boolean): Pick<Ballot, 'answers' | 'signUps'> {
    const current = state.ballots[email.toLowerCase()];
    if (!current)
      throw new DomainError(
        'WRONG_STAGE',
        'Répondez d’abord au sondage, date par date : l’inscription se fait avec votre réponse.',
        'optionId',
      );
    const others = current.signUps.filter((id) => id !== optionId);
    return { answers: current.answers, signUps: signed ? [...others, optionId] : others };
  }

  function guardManage(actor: Parameters<typeof assertMayManagePoll>[1], action: 'close' | 'choose'): void {
    assertMayManagePoll(input.instanceKind, actor, action, input.organizerEmail);
    assertPollStatus(state.status, action);
  }

  setHandler(
    voteUpdate,
    async (raw) => {
      const vote = parseVote(raw);
      return take(vote.email, vote);
    },
    {
      validator: (raw) =>
        asFailure(() => {
          const vote = parseVote(raw);
          checkBallot(vote.email, vote);
        }),
    },
  );

  // Signing up for a date, and withdrawing: the participant's ballot with one sign-up more or less.
  for (const [update, signed] of [
    [signUpUpdate, true],
    [withdrawSignUpUpdate, false],
  ] as const) {
    setHandler(
      update,
      async (raw) => {
        const { email, optionId } = parseSignUp(raw);
        let ballot: Pick<Ballot, 'answers' | 'signUps'> = { answers: {}, signUps: [] };
        asFailure(() => (ballot = withSignUp(email, optionId, signed)));
        return take(email, ballot);
      },
      {
        validator: (raw) =>
          asFailure(() => {
            const { email, optionId } = parseSignUp(raw);
            guardVote();
            checkBallot(email, withSignUp(email, optionId, signed));
          }),
      },
    );
  }

  setHandler(
    closePollUpdate,
    async (raw) => {
      closeRequestedBy ??= parseClosePoll(raw).actor.email;
      await condition(() => state.status !== 'ouvert');
      return state;
    },
    { validator: (raw) => asFailure(() => guardManage(parseClosePoll(raw).actor, 'close')) },
  );

  setHandler(
    chooseAmongTiedUpdate,
    async (raw) => {
      const { actor, optionId } = parseChooseOption(raw);
      tieBrokenWith ??= { optionId, by: actor.email };
      await condition(() => state.status === 'clos');
      return state;
    },
    {
      validator: (raw) =>
        asFailure(() => {
          const { actor, optionId } = parseChooseOption(raw);
          guardManage(actor, 'choose');
          if (tieBrokenWith !== null)
            throw new DomainError(
              'ALREADY_IN_PROGRESS',
              'Une date vient d’être choisie : elle est en cours d’enregistrement.',
            );
          if (!state.tied.includes(optionId)) {
            const labels = input.options
              .filter((o) => state.tied.includes(o.id))
              .map((o) => `« ${o.label} » (${o.id})`);
            throw new DomainError(
              'INVALID_INPUT',
              `Choisissez parmi les dates à égalité : ${labels.join(', ')}.`,
              'optionId',
            );
          }
        }),
    },
  );

  setHandler(pollStateQuery, () => state);

  const send = async (
    recipients: readonly string[],
    request: Omit<PollMailRequest, 'pollId' | 'workflowId' | 'recipient'>,
  ): Promise<void> => {
    if (batched) await mail.sendPollMails({ ...request, pollId: input.pollId, workflowId, recipients });
    else
      await Promise.all(
        recipients.map((recipient) => mail.sendPollMail({ ...request, pollId: input.pollId, workflowId, recipient })),
      );
  };

  await send(participants, { kind: 'invitation', occasion: 'invitation' });

  // Answers until the deadline or the organiser's close; reminders to those who have not answered.
  while (closeRequestedBy === null && Date.now() < deadline.getTime()) {
    const next = reminderTimes(deadline, timing.reminderDaysBefore, timing.reminderHour, input.zone, new Date())[0];
    state.nextReminder = next?.at.toISOString() ?? null;
    if (await condition(() => closeRequestedBy !== null, durationUntil(new Date(), next?.at ?? deadline))) break;
    if (next && Date.now() >= next.at.getTime() && state.awaiting.length > 0) {
      await send(state.awaiting, {
        kind: 'reminder',
        occasion: `reminder-J${next.daysBefore}`,
        daysBefore: next.daysBefore,
      });
    }
  }
  state.nextReminder = null;
  // Every ballot taken is in the database before the result is told from it.
  await persisted;
  state.closedAt = new Date().toISOString();
  state.closedBy = closeRequestedBy;

  let chosen: { optionId: string; reason: ChoiceReason | null; chosenBy: string };
  const choice = choosePollOption(input.options, state.tallies);
  if (choice.kind === 'tie') {
    state.status = 'departage';
    state.tied = choice.optionIds;
    await store.recordPollStatus({
      pollId: input.pollId,
      idempotencyKey: `${workflowId}:departage`,
      status: 'departage',
      actorEmail: closeRequestedBy ?? 'concerto',
      at: state.closedAt,
      details: { tied: choice.optionIds.length },
    });
    await send([input.organizerEmail], { kind: 'tie', occasion: 'tie', tied: state.tied });
    for (let reminders = 1; tieBrokenWith === null; reminders += 1) {
      const due = atLocalTime(
        shiftDate(toLocal(new Date(), input.zone), timing.tieReminderEveryDays),
        timing.reminderHour,
        0,
        input.zone,
      );
      state.nextReminder = due.toISOString();
      if (await condition(() => tieBrokenWith !== null, durationUntil(new Date(), due))) break;
      await send([input.organizerEmail], {
        kind: 'tie_reminder',
        occasion: `tie-reminder-${reminders}`,
        tied: state.tied,
      });
    }
    state.nextReminder = null;
    const broken = tieBrokenWith as { optionId: string; by: string } | null;
    chosen = { optionId: broken!.optionId, reason: null, chosenBy: broken!.by };
  } else {
    chosen = { optionId: choice.optionId, reason: choice.reason, chosenBy: 'regle' };
  }

  const meeting = await store.createPollMeeting({
    pollId: input.pollId,
    optionId: chosen.optionId,
    chosenBy: chosen.chosenBy,
    at: new Date().toISOString(),
  });
  Object.assign(state, {
    status: 'clos',
    chosenOptionId: chosen.optionId,
    reason: chosen.reason,
    chosenBy: chosen.chosenBy,
    meetingId: meeting.meetingId,
  });
  try {
    // The meeting lives on after the poll: its workflow convenes the members, reminds them, and so on.
    await startChild<typeof meetingWorkflow>('meetingWorkflow', {
      workflowId: meeting.workflowId,
      args: [{ ...meeting.input, ...(timing.meetingTiming ? { timing: timing.meetingTiming } : {}) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    // Started before a worker restart replayed this far: it runs already.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await send([...new Set([...participants, input.organizerEmail.toLowerCase()])], {
    kind: 'result',
    occasion: 'result',
    chosen,
  });

  await condition(allHandlersFinished);
  return state;
}
