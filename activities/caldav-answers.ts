import { attendeeAnswer } from '../infra/caldav/attendee-answer.js';
import { caldavCalendar } from '../infra/caldav/caldav-calendar.js';
import type { PasswordBox } from '../infra/caldav/password-box.js';
import type { CalendarStore } from '../store/calendars/calendar-store.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { RsvpError, type RsvpRecorded } from '../store/meetings/record-rsvp.js';

export interface CalendarAnswerDependencies {
  calendars: CalendarStore;
  meetings: MeetingStore;
  passwords: PasswordBox;
  /** Called once an answer is recorded (the meeting workflow is told through it), as for links and iMIP. */
  onRsvp?: (rsvp: RsvpRecorded) => Promise<void> | void;
  log?: (line: string) => void;
  now?: () => Date;
}

/**
 * Reads back the answers members give in their own calendar app: for each meeting written in a
 * member's linked calendar, not over nor cancelled, the object is read; when its ETag moved and
 * their ATTENDEE line holds an answer other than the store's, it is recorded through the same
 * path as an answer by link or iMIP (source `caldav`; one to an older SEQUENCE is refused as
 * stale), then `onRsvp` tells the workflow. The new ETag is kept, so the next push's If-Match
 * holds. A calendar out of reach is skipped until the next round.
 */
export function createCalendarAnswerReader(deps: CalendarAnswerDependencies) {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});
  return async function readCalendarAnswers(): Promise<{ read: number; recorded: RsvpRecorded[] }> {
    const recorded: RsvpRecorded[] = [];
    const events = await deps.calendars.answerable(now());
    for (const event of events) {
      const { url, username, sealedPassword } = event.account;
      let current;
      try {
        current = await caldavCalendar({ url, username, password: deps.passwords.open(sealedPassword) }).read(
          event.href,
        );
      } catch (error) {
        log(`caldav: answers of ${event.email} not read (${(error as Error).message})`);
        continue;
      }
      if (!current || current.etag === event.etag) continue;
      const answer = attendeeAnswer(current.ics, event.icalUid, event.email);
      if (answer && answer.partstat !== event.partstat) {
        try {
          const rsvp = await deps.meetings.recordRsvp({
            meeting: { id: event.meetingId },
            email: event.email,
            partstat: answer.partstat,
            source: 'caldav',
            at: now(),
            sequence: answer.sequence,
          });
          recorded.push(rsvp);
          log(`caldav: recorded ${rsvp.partstat} from ${rsvp.email} for meeting ${rsvp.meetingId}`);
          await Promise.resolve(deps.onRsvp?.(rsvp)).catch((error: unknown) =>
            log(`caldav: answer of ${rsvp.email} recorded, telling the workflow failed: ${(error as Error).message}`),
          );
        } catch (error) {
          if (!(error instanceof RsvpError)) throw error;
          log(`caldav: ignored ${answer.partstat} of ${event.email} for ${event.icalUid}: ${error.code}`);
        }
      }
      await deps.calendars.recordEvent({
        linkId: event.linkId,
        meetingId: event.meetingId,
        href: event.href,
        etag: current.etag,
        sequence: event.sequence,
        deleted: false,
      });
    }
    return { read: events.length, recorded };
  };
}
