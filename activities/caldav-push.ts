import { ApplicationFailure } from '@temporalio/activity';
import { meetingCalendarObject } from '../documents/ics/meeting-ics.js';
import { attendeeAnswer } from '../infra/caldav/attendee-answer.js';
import { caldavCalendar, CalDavError, type CalDavCalendar } from '../infra/caldav/caldav-calendar.js';
import type { PasswordBox } from '../infra/caldav/password-box.js';
import type { CalendarStore } from '../store/calendars/calendar-store.js';
import type { CalendarTarget } from '../store/calendars/calendar-events.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { RsvpError, type RsvpRecorded } from '../store/meetings/record-rsvp.js';
import { meetingEvent } from './meeting-event.js';

/** The version of a meeting to write in the linked calendars: an invitation or change, or its cancellation. */
export interface CalendarPushRequest {
  meetingId: string;
  sequence: number;
  /** When the workflow decided it: the object's DTSTAMP, as the mailed invitation's. */
  issuedAt: string;
  cancelled: boolean;
}

/** An answer found in a member's calendar while writing there, recorded like one by link or iMIP. */
export interface CalendarAnswer {
  email: string;
  partstat: RsvpRecorded['partstat'];
  at: string;
}

/** The failure type of calendars still out of reach: retried under CALDAV_ACTIVITY's bounded policy. */
export const CALDAV_UNREACHABLE = 'CALDAV_UNREACHABLE';

export interface CaldavPushDependencies {
  calendars: CalendarStore;
  meetings: MeetingStore;
  passwords: PasswordBox;
  /** The ORGANIZER of the events, as in the invitations mailed. */
  organizerEmail: string;
  now?: () => Date;
  /** Per request; 15 s unless set. */
  timeoutMs?: number;
}

/** Words for the person whose link failed, shown on « Mes agendas » and in the audit line. */
function failureText(error: unknown): string {
  if (!(error instanceof CalDavError)) return `Erreur inattendue : ${(error as Error).message}`;
  if (error.kind === 'unreachable') return `Le serveur d’agenda ne répond pas (${error.message}).`;
  if (error.status === 401 || error.status === 403)
    return 'Le serveur d’agenda refuse l’identifiant ou le mot de passe d’application : reliez l’agenda à nouveau.';
  return `Le serveur d’agenda refuse l’écriture (${error.message}).`;
}

/**
 * Writes a meeting into the CalDAV calendars linked by its invited members and by its instance:
 * the invitation's event (same UID, SEQUENCE, attendees), created with If-None-Match: *, changed
 * and removed with If-Match on the ETag last written, so an object edited in the person's app is
 * never overwritten blind.
 *
 * On 412 the object changed since we wrote it, most often because the person answered in their
 * app: it is read again, their PARTSTAT is recorded through the same path as an answer by link or
 * iMIP (the store refuses it if it answers an older SEQUENCE than the meeting's), and our version
 * is written again on the new ETag with the answers as the store now has them — so their answer
 * stays and every other change of theirs gives way to the meeting as convened. A cancellation
 * deletes the object whatever was done to it.
 */
export function createCaldavPushActivities(deps: CaldavPushDependencies) {
  const now = deps.now ?? (() => new Date());
  const calendarOf = (target: Pick<CalendarTarget, 'url' | 'username' | 'sealedPassword'>): CalDavCalendar =>
    caldavCalendar(
      { url: target.url, username: target.username, password: deps.passwords.open(target.sealedPassword) },
      deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs },
    );

  async function eventIcs(request: CalendarPushRequest): Promise<{ uid: string; ics: string }> {
    const meeting = await deps.meetings.findForMail(request.meetingId);
    const event = meetingEvent(meeting, { ...request, organizerEmail: deps.organizerEmail });
    return { uid: meeting.icalUid, ics: meetingCalendarObject(event) };
  }

  /** Records the member's answer read in their calendar; null when the store does not take it. */
  async function recordAnswer(uid: string, email: string, ics: string): Promise<CalendarAnswer | null> {
    const answer = attendeeAnswer(ics, uid, email);
    if (!answer) return null;
    try {
      const recorded = await deps.meetings.recordRsvp({
        meeting: { icalUid: uid },
        email,
        partstat: answer.partstat,
        source: 'caldav',
        at: now(),
        sequence: answer.sequence,
      });
      return { email: recorded.email, partstat: recorded.partstat, at: recorded.at.toISOString() };
    } catch (error) {
      if (error instanceof RsvpError) return null;
      throw error;
    }
  }

  async function write(target: CalendarTarget, request: CalendarPushRequest, answers: CalendarAnswer[]): Promise<void> {
    const calendar = calendarOf(target);
    const { meetingId, sequence } = request;
    const event = target.event;
    if (request.cancelled) {
      if (!event || event.deleted) return;
      try {
        await calendar.remove(event.href, event.etag);
      } catch (error) {
        if (!(error instanceof CalDavError && error.kind === 'conflict')) throw error;
        // Edited since: the meeting is off all the same.
        await calendar.remove(event.href, (await calendar.read(event.href))?.etag ?? null);
      }
      await deps.calendars.recordEvent({ linkId: target.linkId, meetingId, ...event, sequence, deleted: true });
      return;
    }
    if (event && !event.deleted && event.sequence >= sequence) return;
    const { uid, ics: first } = await eventIcs(request);
    let ics = first;
    const href = event?.href ?? calendar.objectUrl(uid);
    let written: { etag: string | null };
    try {
      written =
        event && !event.deleted ? await calendar.update(href, ics, event.etag) : await calendar.create(href, ics);
    } catch (error) {
      if (!(error instanceof CalDavError && error.kind === 'conflict')) throw error;
      const current = await calendar.read(href);
      if (current && target.email) {
        const answer = await recordAnswer(uid, target.email, current.ics);
        if (answer) {
          answers.push(answer);
          ({ ics } = await eventIcs(request));
        }
      }
      written = current ? await calendar.update(href, ics, current.etag) : await calendar.create(href, ics);
    }
    // A server that gives no ETag on PUT (it changed what we sent) gives it on a read.
    const etag = written.etag ?? (await calendar.read(href))?.etag ?? null;
    await deps.calendars.recordEvent({ linkId: target.linkId, meetingId, href, etag, sequence, deleted: false });
  }

  return {
    /**
     * Writes one version of a meeting in every linked calendar not yet at it. A calendar refusing
     * (wrong password, not a calendar) is recorded at once and not retried; one out of reach fails
     * the attempt as CALDAV_UNREACHABLE, and the retry writes only where it is still missing.
     * Returns the answers found on the way, for the workflow's state.
     */
    async pushMeetingToCalendars(request: CalendarPushRequest): Promise<{ answers: CalendarAnswer[] }> {
      const answers: CalendarAnswer[] = [];
      const refused: Array<{ linkId: string; error: unknown }> = [];
      const unreachable: Array<{ linkId: string; error: unknown }> = [];
      for (const target of await deps.calendars.targets(request.meetingId)) {
        try {
          await write(target, request, answers);
        } catch (error) {
          const retry = !(error instanceof CalDavError) || error.kind !== 'refused';
          (retry ? unreachable : refused).push({ linkId: target.linkId, error });
        }
      }
      for (const { linkId, error } of refused) {
        await deps.calendars.recordFailure({
          meetingId: request.meetingId,
          linkIds: [linkId],
          error: failureText(error),
          at: now(),
          key: `caldav:${request.meetingId}:${request.sequence}:${linkId}`,
        });
      }
      if (unreachable.length > 0) {
        throw ApplicationFailure.retryable(
          unreachable.map(({ error }) => failureText(error)).join(' '),
          CALDAV_UNREACHABLE,
          { linkIds: unreachable.map(({ linkId }) => linkId) },
        );
      }
      return { answers };
    },

    /**
     * The push's retries are spent: each calendar still not at this version says so on its owner's
     * page, and the meeting's audit log has the line. The meeting goes on without them.
     */
    async recordCalendarPushFailure(request: CalendarPushRequest & { error: string }): Promise<void> {
      const behind = (await deps.calendars.targets(request.meetingId)).filter(({ event }) =>
        request.cancelled ? event !== null && !event.deleted : !event || event.sequence < request.sequence,
      );
      if (behind.length === 0) return;
      await deps.calendars.recordFailure({
        meetingId: request.meetingId,
        linkIds: behind.map(({ linkId }) => linkId),
        error: request.error,
        at: now(),
        key: `caldav:${request.meetingId}:${request.sequence}:gave-up`,
      });
    },
  };
}

export type CaldavPushActivities = ReturnType<typeof createCaldavPushActivities>;
