import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import type { PollStore } from '../store/polls/poll-store.js';
import type { BallotRecord } from '../store/polls/record-ballot.js';
import {
  meetingWorkflowId,
  meetingWorkflowInput,
  type MeetingWorkflowInput,
} from '../workflows/meeting-definitions.js';

export interface PollMeetingRequest {
  pollId: string;
  optionId: string;
  /** « regle », or who broke the tie. */
  chosenBy: string;
  at: string;
}

/** Activities over the polls tables: ballots, closing, and the meeting of the chosen date. */
export function createPollActivities({ polls, meetings }: { polls: PollStore; meetings: MeetingStore }) {
  return {
    /**
     * Writes a ballot: one Vote row per date, the sign-up on each, and its audit line, keyed by this
     * activity (its workflow run and id), so a retry writes none twice; the same ballot twice changes nothing.
     */
    async recordBallot(ballot: BallotRecord): Promise<void> {
      const { workflowExecution, activityId } = Context.current().info;
      await polls.recordBallot(ballot, workflowExecution && `vote:${workflowExecution.runId}:${activityId}`);
    },

    /** Records the poll's status (closed to answers, waiting for the organiser's choice) with its audit line. */
    recordPollStatus: polls.recordStatus,

    /**
     * Records the chosen date and creates its meeting in the poll's instance (planned, with the
     * poll's title and place): once per poll, however often it runs. Gives the input of the
     * meeting's workflow, which the poll's workflow starts.
     */
    async createPollMeeting(
      request: PollMeetingRequest,
    ): Promise<{ meetingId: string; workflowId: string; input: MeetingWorkflowInput }> {
      const poll = await polls.findForMeeting(request.pollId);
      const option = poll.options.find((o) => o.id === request.optionId);
      if (!option)
        throw ApplicationFailure.nonRetryable(`Poll ${poll.id} has no option ${request.optionId}.`, 'INVALID_INPUT');
      if (!poll.instanceId)
        throw ApplicationFailure.nonRetryable(
          `Poll ${poll.id} names no instance: no meeting can be created.`,
          'INVALID_INPUT',
        );
      const at = new Date(request.at);
      const meetingId = randomUUID();
      const record = await meetings.create({
        meetingId,
        workflowId: meetingWorkflowId(meetingId),
        conventionId: poll.conventionId,
        instanceId: poll.instanceId,
        title: poll.title,
        startsAt: option.startsAt.toISOString(),
        endsAt: option.endsAt.toISOString(),
        location: poll.location ?? undefined,
        actorEmail: poll.organizerEmail,
        key: `poll-${poll.id}`,
        at,
      });
      await polls.recordChoice({
        pollId: poll.id,
        option: { id: option.id, label: option.label },
        meetingId: record.meetingId,
        chosenBy: request.chosenBy,
        closedAt: poll.closedAt,
        at,
      });
      return { meetingId: record.meetingId, workflowId: record.workflowId, input: meetingWorkflowInput(record) };
    },
  };
}

export type PollActivities = ReturnType<typeof createPollActivities>;
