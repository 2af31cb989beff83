/**
 * iCalendar (RFC 5545) files for meetings: the invitation sent by mail (iTIP, RFC 5546: METHOD
 * REQUEST, and CANCEL when the meeting is called off) and the subscription feed of many meetings
 * (METHOD PUBLISH).
 *
 * Pure and deterministic: no clock, no randomness, nothing read from the process's time zone.
 * DTSTAMP is an input, so one version of a meeting always gives the same bytes (golden files in
 * test/fixtures/ics pin them). A meeting keeps its UID for life; every change is sent again as a
 * REQUEST with a higher SEQUENCE.
 *
 * Serialised by ical-generator, with the VTIMEZONE of @touch4it/ical-timezones. Where
 * ical-generator 10 gets something wrong, this module works around it, each time said where:
 * - with a time zone on the *calendar*, it writes DTSTAMP floating (no `Z`) in the clock of the
 *   machine's own zone: the zone is set on each event only, and DTSTAMP comes out in UTC;
 * - given a JS `Date` and a zone, it writes the machine's local clock digits: start and end are
 *   handed over as Luxon DateTimes already in the meeting's zone;
 * - it writes the calendar NAME unescaped, backslash-escapes inside quoted parameters (RFC 5545
 *   has no escape there), puts the calendar's X- properties after its components and ends the
 *   file without CRLF: see {@link calendarName}, {@link parameterText}, {@link calendarIcs} and
 *   {@link serialise}.
 * Its line folding is right (at 75 octets, never inside a UTF-8 sequence) and is kept.
 */
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, {
  escape,
  foldLines,
  ICalAlarmType,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalAttendeeType,
  ICalCalendarMethod,
  ICalEventStatus,
  type ICalCalendar,
} from 'ical-generator';
import { DateTime } from 'luxon';
import { DomainError } from '../../domain/errors.js';
import { frenchMeetingTimes, zoneText } from '../../domain/french-times.js';
import type { PartStat } from '../../domain/meeting-rules.js';

/** iTIP method of a mail invitation (RFC 5546 §3.2.2 REQUEST, §3.2.5 CANCEL). */
export type IcsMethod = 'REQUEST' | 'CANCEL';
/** RFC 5545 §3.2.16. */
export type AttendeeRole = 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'CHAIR';

/** One member invited to a meeting. */
export interface MeetingAttendee {
  name: string;
  email: string;
  role: AttendeeRole;
  partstat: PartStat;
}

/** One version of one meeting, as its invitation states it. */
export interface MeetingIcsInput {
  method: IcsMethod;
  /** Stable for the life of the meeting, e.g. `meeting-42@concerto`: printable ASCII, no `,;\`. */
  uid: string;
  /** 0 for the first invitation, raised on every change (reschedule, new agenda, cancellation). */
  sequence: number;
  /** When this version was issued; written in UTC. */
  dtstamp: Date;
  /** e.g. « COTECH — 18 juin 2024 ». */
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** IANA zone the meeting is held in, e.g. `Europe/Paris`. */
  zone: string;
  location?: string;
  visioUrl?: string;
  /** e.g. « Comité technique (COTECH) ». */
  instanceName: string;
  organizer: { name: string; email: string };
  attendees: MeetingAttendee[];
  agenda: Array<{ position: number; title: string }>;
  /** Minutes before the start of a DISPLAY alarm; default {@link DEFAULT_ALARM_MINUTES}, null for
   * none. A cancelled meeting never has one. */
  alarmMinutesBefore?: number | null;
  /** Default CONFIRMED; the CANCEL method implies CANCELLED. */
  status?: 'CONFIRMED' | 'CANCELLED';
}

/** Options of {@link calendarIcs}. */
export interface CalendarIcsOptions {
  /** Shown by calendar applications as the calendar's name. */
  name: string;
  /** The feed's zone, for applications that show a whole calendar in one zone (X-WR-TIMEZONE);
   * each event still carries its own. */
  zone: string;
  method?: 'PUBLISH';
}

const ROLES: Record<AttendeeRole, ICalAttendeeRole> = {
  'REQ-PARTICIPANT': ICalAttendeeRole.REQ,
  'OPT-PARTICIPANT': ICalAttendeeRole.OPT,
  CHAIR: ICalAttendeeRole.CHAIR,
};

const PARTSTATS: Record<PartStat, ICalAttendeeStatus> = {
  'NEEDS-ACTION': ICalAttendeeStatus.NEEDSACTION,
  ACCEPTED: ICalAttendeeStatus.ACCEPTED,
  DECLINED: ICalAttendeeStatus.DECLINED,
  TENTATIVE: ICalAttendeeStatus.TENTATIVE,
};

/** PRODID of every file (ical-generator writes the leading `-`). */
export const PRODID = '//Concerto//CTG//FR';
export const DEFAULT_ALARM_MINUTES = 60;

/**
 * The MIME type of an iCalendar body: the `method=` parameter must repeat the file's METHOD
 * (RFC 6047 §2.4), so both come from the same value.
 */
export function icsContentType(method: IcsMethod | 'PUBLISH'): string {
  return `text/calendar; charset=UTF-8; method=${method}`;
}

/** The invitation (or cancellation) of one meeting, sent to its attendees. */
export function meetingIcs(input: MeetingIcsInput): string {
  checkMeeting(input, '');
  const calendar = newCalendar(input.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  addMeeting(calendar, input, true);
  return serialise(calendar);
}

/**
 * The invitation as a calendar object resource written to a person's CalDAV calendar: the same
 * event, UID, SEQUENCE and attendees as the REQUEST mailed, without METHOD, which a stored object
 * must not carry (RFC 4791 §4.1).
 */
export function meetingCalendarObject(input: Omit<MeetingIcsInput, 'method'>): string {
  const request: MeetingIcsInput = { ...input, method: 'REQUEST' };
  checkMeeting(request, '');
  const calendar = newCalendar(null);
  addMeeting(calendar, request, true);
  return serialise(calendar);
}

/**
 * A calendar of many meetings, for a subscription feed. PUBLISH forbids attendees (RFC 5546
 * §3.2.1), so none are written: a feed never lists the members' addresses. A cancelled meeting
 * stays in the feed with STATUS:CANCELLED. The same bytes as {@link calendarHead}, each event's
 * {@link calendarEvent} and {@link CALENDAR_TAIL}, which a served feed streams.
 */
export function calendarIcs(events: readonly MeetingIcsInput[], options: CalendarIcsOptions): string {
  const zones = [...new Set(events.map((event) => event.zone))];
  const body = events.map((event, index) => calendarEvent(event, `events.${index}.`)).join('');
  return `${calendarHead(options, zones)}${body}${CALENDAR_TAIL}`;
}

/**
 * The start of a feed, up to its first event: the calendar's properties, X-WR-TIMEZONE and the
 * VTIMEZONE of each of `zones` (those its events use, in the order given).
 */
export function calendarHead(options: CalendarIcsOptions, zones: readonly string[]): string {
  checkZone(options.zone, 'zone');
  if (!options.name.trim()) throw invalid('name', 'Le nom du calendrier est vide.');
  zones.forEach((zone, index) => checkZone(zone, `zones.${index}`));
  const calendar = newCalendar(ICalCalendarMethod.PUBLISH);
  calendar.name(calendarName(options.name));
  const properties = calendar.toString().replace(/END:VCALENDAR$/, '');
  // ical-generator writes X- properties of the calendar after its components, where RFC 5545's
  // grammar has none (calprops come first); and a zone *name* on the calendar would break DTSTAMP
  // (see newCalendar). So X-WR-TIMEZONE goes in before the first component. The zone is an IANA
  // name checked above: ASCII, nothing to escape or fold. Each VTIMEZONE as ical-generator adds it.
  const timezones = zones.map((zone) => `${vtimezone(zone)!.replace(/\r?\n/g, '\r\n').trim()}\r\n`);
  return `${properties}X-WR-TIMEZONE:${options.zone}\r\n${foldLines(timezones.join(''))}`;
}

/**
 * One event of a feed (a VEVENT, folded, ending with CRLF); its zone's VTIMEZONE is in the head.
 * `field` prefixes the names of the fields an error names.
 */
export function calendarEvent(event: MeetingIcsInput, field = ''): string {
  checkMeeting(event, field);
  addMeeting(scratch, event, false);
  const [added] = scratch.events();
  scratch.clear();
  return foldLines(added!.toString());
}

/** What ends a feed. */
export const CALENDAR_TAIL = 'END:VCALENDAR\r\n';

/** The calendar a feed's events are written in, one at a time (cleared after each). */
const scratch = newCalendar(ICalCalendarMethod.PUBLISH);

/** The French DESCRIPTION of a meeting: instance, date and hours, place, visio link, agenda. */
export function meetingDescription(input: MeetingIcsInput): string {
  const lines: string[] = [];
  if (isCancelled(input)) lines.push('Réunion annulée.', '');
  lines.push(cleanText(input.instanceName), whenText(input.startsAt, input.endsAt, input.zone));
  if (input.location) lines.push(`Lieu : ${cleanText(input.location)}`);
  if (isCancelled(input)) return lines.join('\n');
  if (input.visioUrl) lines.push(`Visioconférence : ${input.visioUrl}`);
  lines.push('', 'Ordre du jour :');
  const agenda = [...input.agenda].sort((a, b) => a.position - b.position);
  if (agenda.length === 0) lines.push('à venir.');
  for (const item of agenda) lines.push(`${item.position}. ${cleanText(item.title)}`);
  return lines.join('\n');
}

function newCalendar(method: ICalCalendarMethod | null): ICalCalendar {
  const calendar = ical({ prodId: PRODID, ...(method ? { method } : {}) });
  // No zone *name* on the calendar: ical-generator would then write DTSTAMP floating, in the
  // machine's clock. The generator alone adds one VTIMEZONE per zone the events use.
  calendar.timezone({ name: null, generator: vtimezone });
  return calendar;
}

function addMeeting(calendar: ICalCalendar, input: MeetingIcsInput, withAttendees: boolean): void {
  const cancelled = isCancelled(input);
  const event = calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: input.dtstamp,
    // Luxon DateTimes in the meeting's zone: given a Date, ical-generator would print the
    // machine's local clock after TZID=.
    start: DateTime.fromJSDate(input.startsAt, { zone: input.zone }),
    end: DateTime.fromJSDate(input.endsAt, { zone: input.zone }),
    timezone: input.zone,
    summary: cleanText(input.title),
    description: meetingDescription(input),
    location: input.location ? cleanText(input.location) : null,
    organizer: { name: parameterText(input.organizer.name), email: input.organizer.email },
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  if (withAttendees) {
    for (const attendee of input.attendees) {
      event.createAttendee({
        name: parameterText(attendee.name),
        email: attendee.email,
        role: ROLES[attendee.role],
        status: PARTSTATS[attendee.partstat],
        // A cancellation expects no reply (RFC 5546 §3.2.5).
        rsvp: input.method === 'REQUEST',
        type: ICalAttendeeType.INDIVIDUAL,
      });
    }
  }
  const alarmMinutes = input.alarmMinutesBefore === undefined ? DEFAULT_ALARM_MINUTES : input.alarmMinutesBefore;
  if (!cancelled && alarmMinutes !== null) {
    event.createAlarm({
      type: ICalAlarmType.display,
      trigger: alarmMinutes * 60,
      description: `Rappel : ${cleanText(input.title)}, dans ${alarmMinutes} min`,
    });
  }
}

/** ical-generator ends the last line without the CRLF every content line needs (RFC 5545 §3.1). */
function serialise(calendar: ICalCalendar): string {
  return `${calendar.toString()}\r\n`;
}

function isCancelled(input: MeetingIcsInput): boolean {
  return input.method === 'CANCEL' || input.status === 'CANCELLED';
}

/** « Mardi 18 juin 2024, de 14 h 00 à 17 h 00 (heure de Paris) », or from one day to another. */
function whenText(startsAt: Date, endsAt: Date, zone: string): string {
  const text = frenchMeetingTimes(startsAt, endsAt, zone);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} (${zoneText(zone)})`;
}

/** TEXT values (RFC 5545 §3.3.11) hold no control character but the line break, which is one `\n`
 * whatever the input used. ical-generator then escapes `\`, `;`, `,` and line breaks. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/**
 * A quoted parameter value (CN): RFC 5545 §3.1 allows neither DQUOTE nor control characters there
 * and has no escape, while ical-generator writes `\"` and `\\`, which readers take literally. So
 * `"` becomes `'`, `\` becomes `/`, and line breaks become spaces. A `;` is legal inside the quotes
 * but readers that split parameters naively (node-ical 0.26) cut the name there: it becomes `,`.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]+/g;

export function parameterText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ').replace(/"/g, "'").replace(/\\/g, '/').replace(/;/g, ',').trim();
}

/** ical-generator writes NAME and X-WR-CALNAME as given, unescaped: escape them here. */
function calendarName(name: string): string {
  return escape(cleanText(name), false);
}

const vtimezones = new Map<string, string | null>();

/** @touch4it/ical-timezones reads a file per call: one read per zone and process. */
function vtimezone(zone: string): string | null {
  if (!vtimezones.has(zone)) vtimezones.set(zone, getVtimezoneComponent(zone));
  return vtimezones.get(zone) ?? null;
}

function checkZone(zone: string, field: string): void {
  if (!vtimezone(zone)) throw invalid(field, `Fuseau horaire inconnu : « ${zone} » (par exemple Europe/Paris).`);
}

const UID = /^[\x21-\x7e]+$/;
const EMAIL = /^[^\s@",;:<>\\]+@[^\s@",;:<>\\]+$/;

function checkMeeting(input: MeetingIcsInput, prefix: string): void {
  if (!UID.test(input.uid) || /[,;\\]/.test(input.uid)) {
    throw invalid(`${prefix}uid`, 'L’identifiant (UID) doit être en ASCII imprimable, sans espace ni « , ; \\ ».');
  }
  if (!Number.isInteger(input.sequence) || input.sequence < 0) {
    throw invalid(`${prefix}sequence`, 'Le numéro de version (SEQUENCE) doit être un entier positif ou nul.');
  }
  for (const field of ['dtstamp', 'startsAt', 'endsAt'] as const) {
    if (!(input[field] instanceof Date) || Number.isNaN(input[field].getTime())) {
      throw invalid(`${prefix}${field}`, 'Date invalide.');
    }
  }
  if (input.endsAt.getTime() <= input.startsAt.getTime()) {
    throw invalid(`${prefix}endsAt`, 'La réunion doit finir après son début.');
  }
  checkZone(input.zone, `${prefix}zone`);
  if (!input.title.trim()) throw invalid(`${prefix}title`, 'Le titre de la réunion est vide.');
  if (!parameterText(input.organizer.name))
    throw invalid(`${prefix}organizer.name`, 'Le nom de l’organisateur est vide.');
  if (!EMAIL.test(input.organizer.email))
    throw invalid(`${prefix}organizer.email`, `Adresse invalide : « ${input.organizer.email} ».`);
  input.attendees.forEach((attendee, index) => {
    if (!parameterText(attendee.name))
      throw invalid(`${prefix}attendees.${index}.name`, 'Le nom du participant est vide.');
    if (!EMAIL.test(attendee.email))
      throw invalid(`${prefix}attendees.${index}.email`, `Adresse invalide : « ${attendee.email} ».`);
  });
  const minutes = input.alarmMinutesBefore;
  if (minutes !== undefined && minutes !== null && (!Number.isInteger(minutes) || minutes <= 0)) {
    throw invalid(`${prefix}alarmMinutesBefore`, 'Le rappel se donne en minutes entières avant la réunion.');
  }
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('INVALID_INPUT', message, field);
}
