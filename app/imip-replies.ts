import type { ImipAnswer, ImipCounter, ImipReply } from '../infra/smtp-in/imip-reply.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { RsvpError, type RsvpRecorded } from '../store/meetings/record-rsvp.js';

export interface ImipReplyDependencies {
  meetings: MeetingStore;
  /** Called once an answer is recorded (the meeting workflow is told through it); its failure is logged. */
  onRsvp?: (rsvp: RsvpRecorded) => Promise<void> | void;
  log?: (line: string) => void;
}

/**
 * What the iMIP listener (and any other reader of the organizer's mailbox) does with what an
 * attendee's calendar sends: a REPLY records the attendee's answer, then calls `onRsvp`; a COUNTER
 * records their proposal of another time for the organiser to accept or decline on the meeting's
 * page. One the store refuses (unknown UID, not invited, stale SEQUENCE…) is logged and dropped:
 * the sender must not get a bounce back.
 */
export function recordImipReplies({ meetings, onRsvp, log = () => {} }: ImipReplyDependencies) {
  const refused = (reply: ImipReply, what: string) => (error: unknown) => {
    if (!(error instanceof RsvpError)) throw error;
    log(`imip: ignored: ${what} from ${reply.from} for ${reply.uid}: ${error.code} (${error.message})`);
    return null;
  };

  const answer = async (reply: ImipAnswer, at: Date): Promise<void> => {
    const recorded = await meetings
      .recordRsvp({
        meeting: { icalUid: reply.uid },
        email: reply.attendee,
        partstat: reply.partstat,
        source: 'imip',
        at,
        ...(reply.sequence === undefined ? {} : { sequence: reply.sequence }),
      })
      .catch(refused(reply, `REPLY ${reply.partstat}`));
    if (!recorded) return;
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

  const counter = async (reply: ImipCounter, at: Date): Promise<void> => {
    const recorded = await meetings
      .recordCounter({
        icalUid: reply.uid,
        email: reply.attendee,
        startsAt: reply.startsAt,
        at,
        ...(reply.endsAt ? { endsAt: reply.endsAt } : {}),
        ...(reply.comment ? { comment: reply.comment } : {}),
        ...(reply.sequence === undefined ? {} : { sequence: reply.sequence }),
      })
      .catch(refused(reply, 'COUNTER'));
    if (recorded) log(`imip: recorded a COUNTER from ${recorded.person.email} for meeting ${recorded.meetingId}`);
  };

  return (reply: ImipReply, at: Date): Promise<void> =>
    reply.method === 'COUNTER' ? counter(reply, at) : answer(reply, at);
}
