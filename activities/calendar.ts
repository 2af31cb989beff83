import { randomUUID } from 'node:crypto';
import type { ConventionStore } from '../store/conventions/convention-store.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { calendarMeetingKey } from '../workflows/calendar-definitions.js';
import {
  meetingWorkflowId,
  meetingWorkflowInput,
  type MeetingWorkflowInput,
} from '../workflows/meeting-definitions.js';

export type { CalendarYearFacts } from '../store/conventions/load-calendar-year.js';

/** Activities of the annual calendar: the year's facts, generated meetings, moved milestones. */
export function createCalendarActivities({
  conventions,
  meetings,
}: {
  conventions: ConventionStore;
  meetings: MeetingStore;
}) {
  return {
    loadCalendarYear: conventions.loadCalendarYear,

    /** Records a meeting the calendar generated, once per key; the workflow then starts its workflow. */
    async createCalendarMeeting(input: {
      conventionId: string;
      instance: string;
      key: string;
      title: string;
      startsAt: string;
      endsAt: string;
      at: string;
    }): Promise<{ meetingId: string; workflowId: string; input: MeetingWorkflowInput }> {
      const instance = await conventions.findInstance(input.conventionId, input.instance);
      if (!instance) throw new Error(`No instance ${input.instance} in convention ${input.conventionId}.`);
      const meetingId = randomUUID();
      const record = await meetings.create({
        meetingId,
        workflowId: meetingWorkflowId(meetingId),
        conventionId: input.conventionId,
        instanceId: instance.id,
        title: input.title,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        actorEmail: 'calendrier annuel',
        key: calendarMeetingKey(input.conventionId, input.key),
        at: new Date(input.at),
      });
      return { meetingId: record.meetingId, workflowId: record.workflowId, input: meetingWorkflowInput(record) };
    },

    /** Moves a milestone's start (its end too, by as many days) with its audit line, once per key. */
    moveMilestone: conventions.moveMilestone,
  };
}

export type CalendarActivities = ReturnType<typeof createCalendarActivities>;
