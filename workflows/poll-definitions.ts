import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { InstanceKind } from '../domain/charter.js';
import type { ChooseOptionInput, ClosePollInput, SignUpInput, VoteInput } from '../domain/poll-input.js';
import type { Ballot, ChoiceReason, OptionTally, PollOptionFacts, PollStatus } from '../domain/poll-rules.js';
import type { MeetingTiming } from './meeting-definitions.js';

export interface DatePollWorkflowInput {
  pollId: string;
  conventionId: string;
  title: string;
  /** The instance whose meeting the chosen date becomes: who may close the poll depends on it. */
  instanceKind: InstanceKind;
  organizerEmail: string;
  /** ISO instant: answers are taken until then. */
  deadline: string;
  /** The convention's time zone: reminders fall at a local hour. */
  zone: string;
  options: PollOptionFacts[];
  /** Lower-cased addresses. */
  participants: string[];
  timing?: Partial<PollTiming>;
}

export interface PollTiming {
  /** Participants who have not answered are reminded this many days before the deadline's day. */
  reminderDaysBefore: number[];
  /** Local hour of the reminders. */
  reminderHour: number;
  /** During a tie, the organiser is reminded every this many days. */
  tieReminderEveryDays: number;
  /** Passed to the workflow of the meeting the poll creates (tests shorten its waits). */
  meetingTiming?: Partial<MeetingTiming>;
}

export const DEFAULT_POLL_TIMING: PollTiming = { reminderDaysBefore: [3, 1], reminderHour: 9, tieReminderEveryDays: 3 };

export interface PollState {
  pollId: string;
  status: PollStatus;
  deadline: string;
  /** By lower-cased address. */
  ballots: Record<string, Ballot>;
  tallies: OptionTally[];
  /** Participants who have not answered yet. */
  awaiting: string[];
  /** During a tie: the dates the organiser chooses among. */
  tied: string[];
  chosenOptionId: string | null;
  /** Which rule chose the date, or null when the organiser did. */
  reason: ChoiceReason | null;
  /** « regle », or the address of who broke the tie. */
  chosenBy: string | null;
  closedAt: string | null;
  /** Who closed it before the deadline, if anyone. */
  closedBy: string | null;
  meetingId: string | null;
  nextReminder: string | null;
}

export const voteUpdate = defineUpdate<PollState, [VoteInput]>('vote');
export const signUpUpdate = defineUpdate<PollState, [SignUpInput]>('signUp');
export const withdrawSignUpUpdate = defineUpdate<PollState, [SignUpInput]>('withdrawSignUp');
export const closePollUpdate = defineUpdate<PollState, [ClosePollInput]>('close');
export const chooseAmongTiedUpdate = defineUpdate<PollState, [ChooseOptionInput]>('chooseAmongTied');

export const pollStateQuery = defineQuery<PollState>('pollState');

/** A poll's workflow id: one workflow per poll. */
export function pollWorkflowId(pollId: string): string {
  return `date-poll-${pollId}`;
}
