import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/lifecycle/model.js';
import type { MeetingRule } from '../domain/meeting-recurrence.js';

export interface CalendarTiming {
  /** Reminders go out at this local hour. */
  reminderHour: number;
  /** Days before a milestone (its start) its owner is reminded. */
  milestoneReminderDays: number[];
  /** A generated meeting is created (and convened) this many days before its legal delay runs out. */
  convokeAheadDays: number;
}

export const DEFAULT_CALENDAR_TIMING: CalendarTiming = {
  reminderHour: 9,
  milestoneReminderDays: [14, 1],
  convokeAheadDays: 7,
};

/** The rules are not in the input: the workflow reads them from the store (saveMeetingRules), its one source. */
export interface CalendarYearInput {
  conventionId: string;
  year: number;
  timing?: Partial<CalendarTiming>;
}

export interface PlannedMeeting {
  key: string;
  instance: string;
  title: string;
  startsAt: string;
  endsAt: string;
  /** When it is created and its members convened (ISO). */
  createAt: string;
  notes: string[];
  meetingId?: string;
  /** Planned too late to be convened within the legal delay: the calendar leaves it to a person. */
  tooLate?: boolean;
}

export interface PlannedMilestone {
  key: string;
  title: string;
  /** Local day, YYYY-MM-DD. */
  startDate: string;
  ownerEmail: string | null;
  status: string;
}

export interface CalendarYearState {
  conventionId: string;
  year: number;
  rules: MeetingRule[];
  meetings: PlannedMeeting[];
  milestones: PlannedMilestone[];
  /** What the workflow waits for next (ISO), if anything this year. */
  nextWake: string | null;
}

/** The rules changed in the store: the calendar reads them again and re-plans what has not happened yet. */
export const reloadRulesUpdate = defineUpdate<CalendarYearState, [{ actor: Actor }]>('reloadRules');
/** `reason`, when given, goes into the milestone's audit line. */
export const moveMilestoneUpdate = defineUpdate<
  CalendarYearState,
  [{ actor: Actor; key: string; startDate: string; reason?: string }]
>('moveMilestone');
export const calendarYearStateQuery = defineQuery<CalendarYearState>('calendarYearState');

/** One calendar workflow per convention: it continues as new into each following year. */
export function calendarWorkflowId(conventionId: string): string {
  return `calendar-${conventionId}`;
}

/** The record key of a meeting a calendar rule gives: convened ahead or by the calendar, it is one meeting. */
export function calendarMeetingKey(conventionId: string, ruleKey: string): string {
  return `calendar-${conventionId}-${ruleKey}`;
}
