import type { AttendeeRole, MeetingIcsInput } from '../documents/ics/meeting-ics.js';
import type { PartStat } from '../domain/meeting-rules.js';
import type { MeetingForMail } from '../store/meetings/find-meeting-for-mail.js';

/**
 * One version of a meeting as its calendar event states it, for the invitation mailed (with a
 * METHOD) and the object written to a linked CalDAV calendar alike: one UID, one SEQUENCE, the
 * attendees with their answers as the store has them.
 */
export function meetingEvent(
  meeting: MeetingForMail,
  version: { sequence: number; issuedAt: string; organizerEmail: string },
): Omit<MeetingIcsInput, 'method'> {
  return {
    uid: meeting.icalUid,
    sequence: version.sequence,
    dtstamp: new Date(version.issuedAt),
    title: meeting.title,
    instanceName: meeting.instance.name,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    zone: meeting.convention.timezone,
    ...(meeting.location ? { location: meeting.location } : {}),
    ...(meeting.visioUrl ? { visioUrl: meeting.visioUrl } : {}),
    organizer: { name: `Secrétariat — ${meeting.instance.name}`, email: version.organizerEmail },
    attendees: meeting.invitations
      .map((i) => ({
        name: i.person.displayName,
        email: i.person.email,
        role: i.role as AttendeeRole,
        partstat: i.partstat as PartStat,
      }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    agenda: meeting.agenda.map((item) => ({ position: item.position, title: item.title })),
  };
}
