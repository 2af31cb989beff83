import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AttendanceInput,
  CancelInput,
  DecisionSummaryInput,
  DeclineCounterInput,
  MinutesInput,
  RescheduleInput,
} from '../domain/meeting-input.js';
import type { Attendance, MeetingStatus, PartStat } from '../domain/meeting-rules.js';

export interface MeetingWorkflowInput {
  meetingId: string;
  conventionId: string;
  /** As scheduled (ISO): the state answers queries with them before the meeting's facts are read. */
  startsAt: string;
  endsAt: string;
  /** Overrides, mostly for tests: how long the agenda must stay unchanged before the convocation goes. */
  timing?: Partial<MeetingTiming>;
}

export interface MeetingTiming {
  zone: string;
  /** Reminders and the secretary's reminders go out at this local hour. */
  reminderHour: number;
  /** The convocation waits until fiches stop joining the ordre du jour for this long (ms). */
  agendaQuietMs: number;
  /** An agenda change after the convocation is sent as an update once changes stop for this long (ms). */
  agendaUpdateQuietMs: number;
  /** The secretary is reminded every this many days until the compte rendu is filed. */
  minutesReminderEveryDays: number;
}

export const DEFAULT_MEETING_TIMING: MeetingTiming = {
  zone: 'Europe/Paris',
  reminderHour: 9,
  agendaQuietMs: 60_000,
  agendaUpdateQuietMs: 10 * 60_000,
  minutesReminderEveryDays: 7,
};

export interface MeetingState {
  meetingId: string;
  status: MeetingStatus;
  startsAt: string;
  endsAt: string;
  /** Raised on each change members are told of, as iCalendar SEQUENCE. */
  sequence: number;
  /** The agenda version last sent to members. */
  agendaSent: string[];
  attendance: Attendance | null;
  quorumReached: boolean | null;
  decisionsSentAt: string | null;
  minutesFiledAt: string | null;
  /** When the next reminder falls (ISO), if any. */
  nextReminder: string | null;
  rsvp: Record<string, PartStat>;
  /** Suppléants convened in place of a titulaire who declined, each with that titulaire (addresses). */
  suppleants: Record<string, string>;
}

export const rescheduleUpdate = defineUpdate<MeetingState, [RescheduleInput]>('reschedule');
export const cancelUpdate = defineUpdate<MeetingState, [CancelInput]>('cancel');
/** Turns down a member's proposal of another time: they are sent a DECLINECOUNTER. */
export const declineCounterUpdate = defineUpdate<MeetingState, [DeclineCounterInput]>('declineCounter');
export const recordAttendanceUpdate = defineUpdate<MeetingState, [AttendanceInput]>('recordAttendance');
export const sendDecisionSummaryUpdate = defineUpdate<MeetingState, [DecisionSummaryInput]>('sendDecisionSummary');
export const fileMinutesUpdate = defineUpdate<MeetingState, [MinutesInput]>('fileMinutes');

/** A fiche joined or left the ordre du jour. */
export const agendaChangedSignal = defineSignal('agendaChanged');

/** A member answered the invitation, by a signed link or by their calendar's iMIP REPLY. */
export const rsvpSignal =
  defineSignal<[{ email: string; partstat: PartStat; source: 'link' | 'imip' | 'caldav'; at: string }]>('rsvp');

export const meetingStateQuery = defineQuery<MeetingState>('meetingState');

/** A meeting's workflow id: one workflow per meeting. */
export function meetingWorkflowId(meetingId: string): string {
  return `meeting-${meetingId}`;
}

/** The input of a recorded meeting's workflow. */
export function meetingWorkflowInput(meeting: {
  meetingId: string;
  conventionId: string;
  startsAt: string;
  endsAt: string;
}): MeetingWorkflowInput {
  const { meetingId, conventionId, startsAt, endsAt } = meeting;
  return { meetingId, conventionId, startsAt, endsAt };
}
