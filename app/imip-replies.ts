import type { ImipReply } from '../infra/smtp-in/imip-reply.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { RsvpError, type RsvpRecorded } from '../store/meetings/record-rsvp.js';

export interface ImipReplyDependencies {
  meetings: MeetingStore;
  /** Called once an answer is recorded (the meeting workflow is told through it); its failure is logged. */
  onRsvp?: (rsvp: RsvpRecorded) => Promise<void> | void;
  log?: (line: string) => void;
}

/**
 * What the iMIP listener does with a calendar reply: records the attendee's answer, then calls
 * `onRsvp`. A reply the store refuses (unknown UID, not invited, stale SEQUENCE…) is logged and
 * dropped: the sender must not get a bounce back.
 */
export function recordImipReplies({ meetings, onRsvp, log = () => {} }: ImipReplyDependencies) {
  return async (reply: ImipReply, at: Date): Promise<void> => {
    let recorded: RsvpRecorded;
    try {
      recorded = await meetings.recordRsvp({
        meeting: { icalUid: reply.uid },
        email: reply.attendee,
        partstat: reply.partstat,
        source: 'imip',
        at,
        ...(reply.sequence === undefined ? {} : { sequence: reply.sequence }),
      });
    } catch (error) {
      if (error instanceof RsvpError) {
        log(
          `imip: ignored: REPLY ${reply.partstat} from ${reply.from} ` +
            `for ${reply.uid}: ${error.code} (${error.message})`,
        );
        return;
      }
      throw error;
    }
    log(`imip: recorded ${recorded.partstat} from ${recorded.email} for meeting ${recorded.meetingId}`);
    try {
      await onRsvp?.(recorded);
    } catch (error) {
      log(
        `imip: answer of ${recorded.email} recorded, but telling ` +
          `the meeting workflow failed: ${(error as Error).message}`,
      );
    }
  };
}
