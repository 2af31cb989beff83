import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RsvpRecorded } from '../store/meetings/record-rsvp.js';
import { meetingWorkflowId, rsvpSignal } from '../workflows/meeting-definitions.js';

/**
 * The `onRsvp` of the answer links and of the calendar-reply listener: tells the meeting's
 * workflow of an answer already recorded in the database. A meeting whose workflow has ended (or
 * never ran) has nobody to tell: that is logged, not an error, since the answer is kept anyway.
 */
export function createRsvpSignaller(
  client: Client,
  log: (line: string) => void = () => {},
): (rsvp: RsvpRecorded) => Promise<void> {
  return async (rsvp) => {
    try {
      await client.workflow.getHandle(meetingWorkflowId(rsvp.meetingId)).signal(rsvpSignal, {
        email: rsvp.email,
        partstat: rsvp.partstat,
        source: rsvp.source,
        at: rsvp.at.toISOString(),
      });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      log(
        `answer of ${rsvp.email} to meeting ${rsvp.meetingId} ` +
          `recorded; its workflow is not running, so it was not told`,
      );
    }
  };
}
