/**
 * Reads the iMIP REPLY (RFC 6047, RFC 5546 §3.2.3) a calendar client sends to the organizer when
 * its user accepts, declines or answers « peut-être » to an invitation, and the COUNTER (§3.2.7)
 * Outlook or Thunderbird sends when its user proposes another time.
 */
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { z } from 'zod';
import { RSVP_PARTSTATS, type RsvpPartStat } from '../../domain/meeting-rules.js';
import { email, fieldPath, nonEmptyText, text } from '../../domain/validation.js';

/** The answer a REPLY carries. */
export interface ImipAnswer {
  method: 'REPLY';
  /** The mail's From address, lower-cased. */
  from: string;
  /** The event's UID: the meeting's `icalUid`. */
  uid: string;
  /** The answering ATTENDEE's address, lower-cased: the same as `from`. */
  attendee: string;
  partstat: RsvpPartStat;
  /** The event's SEQUENCE, when the REPLY states it. */
  sequence?: number;
}

/** Another time a COUNTER proposes, from the ATTENDEE who sent it. */
export interface ImipCounter {
  method: 'COUNTER';
  from: string;
  uid: string;
  attendee: string;
  startsAt: Date;
  /** Absent when the COUNTER gives neither DTEND nor DURATION: the meeting keeps its length. */
  endsAt?: Date;
  /** The COMMENT the person wrote with it, if any. */
  comment?: string;
  sequence?: number;
}

/** What an attendee's calendar sends the organizer: an answer or another time. */
export type ImipReply = ImipAnswer | ImipCounter;

/**
 * What a mail turned out to be: a usable reply, a calendar with nothing to take (ignored), a broken
 * calendar, or no calendar at all (mail written by a person, an out-of-office answer).
 */
export type ImipReadResult =
  | { kind: 'reply'; reply: ImipReply }
  | { kind: 'ignored'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'not-calendar'; reason: string };

/** The iTIP methods an attendee sends that are read here. */
const METHODS = new Set(['REPLY', 'COUNTER']);

const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics']);

/**
 * Finds the REPLY in a raw mail: a calendar part sent as an alternative, an attachment, or the
 * whole message, in any transfer encoding (mailparser decodes base64 and quoted-printable). The
 * first part whose METHOD is REPLY or COUNTER is the one read.
 *
 * The answer is taken only for the ATTENDEE whose address is the mail's From: a REPLY must come
 * from the person invited, otherwise anyone could write to the organizer's address and answer for
 * someone else. (From is what the person's mail provider vouches for through SPF, DKIM and DMARC,
 * which the mail server in front of the listener is there to check.)
 */
export async function readImipReply(raw: Buffer): Promise<ImipReadResult> {
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (error) {
    return { kind: 'malformed', reason: `unreadable mail: ${(error as Error).message}` };
  }
  const from = parsed.from?.value[0]?.address?.trim().toLowerCase();
  const parts = parsed.attachments.filter(
    (part) => CALENDAR_TYPES.has(part.contentType.toLowerCase()) || /\.ics$/i.test(part.filename ?? ''),
  );
  if (parts.length === 0) return { kind: 'not-calendar', reason: 'no calendar part' };

  let problem: ImipReadResult = { kind: 'ignored', reason: 'no calendar part with METHOD:REPLY or COUNTER' };
  for (const part of parts) {
    let calendar: InstanceType<typeof ICAL.Component>;
    try {
      calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[]);
    } catch (error) {
      problem = { kind: 'malformed', reason: `calendar part not iCalendar: ${(error as Error).message}` };
      continue;
    }
    const method = String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase();
    if (!METHODS.has(method)) continue;
    const read = readReply(calendar, method as ImipReply['method'], from);
    if (read.kind === 'reply') return read;
    problem = read;
  }
  return problem;
}

const edgeSchema = z.object({ from: email(), uid: nonEmptyText(255) });

const commentSchema = text(1000, { multiline: true });

function readReply(
  calendar: InstanceType<typeof ICAL.Component>,
  method: ImipReply['method'],
  from: string | undefined,
): ImipReadResult {
  const event = calendar.getFirstSubcomponent('vevent');
  if (!event) return { kind: 'malformed', reason: `${method} without VEVENT` };
  const uid = String(event.getFirstPropertyValue('uid') ?? '').trim();
  if (!uid) return { kind: 'malformed', reason: `${method} without UID` };
  if (!from) return { kind: 'ignored', reason: `${method} for ${uid} without a From address` };
  // What reaches the store passes the edge's text rules, as every input does: no control characters.
  const edge = edgeSchema.safeParse({ from, uid });
  if (!edge.success) {
    const fields = edge.error.issues.map((issue) => fieldPath(issue.path)).join(', ');
    return {
      kind: 'malformed',
      reason:
        `${method} refused: ${fields} refused by the edge text rules ` +
        '(control or bidi characters, or not an address)',
    };
  }

  const attendees = event.getAllProperties('attendee').map((property) => ({
    address: String(property.getFirstValue() ?? '')
      .trim()
      .replace(/^mailto:/i, '')
      .toLowerCase(),
    partstat: String(property.getParameter('partstat') ?? '').toUpperCase(),
  }));
  const answering = attendees.find((attendee) => attendee.address === from);
  if (!answering) {
    const named = attendees.map((attendee) => attendee.address).join(', ') || 'none';
    return { kind: 'ignored', reason: `${method} for ${uid}: no ATTENDEE is the sender ${from} (attendees: ${named})` };
  }
  const sequenceValue = event.getFirstPropertyValue('sequence');
  const sequence = typeof sequenceValue === 'number' && Number.isInteger(sequenceValue) ? sequenceValue : undefined;
  const edges = { from, uid, attendee: answering.address, ...(sequence === undefined ? {} : { sequence }) };
  if (method === 'COUNTER') return readCounter(calendar, event, edges);

  const partstat = RSVP_PARTSTATS.find((value) => value === answering.partstat);
  if (!partstat)
    return { kind: 'ignored', reason: `REPLY for ${uid} from ${from} with PARTSTAT ${answering.partstat || '(none)'}` };
  return { kind: 'reply', reply: { method, ...edges, partstat } };
}

/**
 * The time a COUNTER proposes: its DTSTART, and DTEND or DURATION (without either, the meeting
 * keeps its length). A COMMENT is text from outside: taken under the edge's rules, else dropped.
 */
function readCounter(
  calendar: InstanceType<typeof ICAL.Component>,
  event: InstanceType<typeof ICAL.Component>,
  edges: Omit<ImipCounter, 'method' | 'startsAt' | 'endsAt' | 'comment'>,
): ImipReadResult {
  const startsAt = instantOf(calendar, event.getFirstProperty('dtstart'));
  if (!startsAt)
    return { kind: 'malformed', reason: `COUNTER for ${edges.uid} without a DTSTART it can place in time` };
  const duration = event.getFirstPropertyValue('duration');
  const endsAt = event.hasProperty('dtend')
    ? instantOf(calendar, event.getFirstProperty('dtend'))
    : duration instanceof ICAL.Duration
      ? new Date(startsAt.getTime() + duration.toSeconds() * 1000)
      : undefined;
  if (endsAt === null || (endsAt && endsAt.getTime() <= startsAt.getTime()))
    return { kind: 'malformed', reason: `COUNTER for ${edges.uid}: its end is unreadable or not after its start` };
  const comment = commentSchema.safeParse(String(event.getFirstPropertyValue('comment') ?? '').trim());
  return {
    kind: 'reply',
    reply: {
      method: 'COUNTER',
      ...edges,
      startsAt,
      ...(endsAt ? { endsAt } : {}),
      ...(comment.success && comment.data ? { comment: comment.data } : {}),
    },
  };
}

/**
 * The instant a DATE-TIME property names: UTC as written; with a TZID, by the file's own VTIMEZONE
 * of that name (Outlook names zones the Windows way, « Romance Standard Time »), else as an IANA
 * zone. Null for a floating time, a date without time, or a zone neither knows: none of them is
 * an instant. The VTIMEZONE is read for this property only, never registered in ical.js's global
 * zones, where a mail could redefine Europe/Paris for every later reader.
 */
function instantOf(
  calendar: InstanceType<typeof ICAL.Component>,
  property: InstanceType<typeof ICAL.Property> | null,
): Date | null {
  const value = property?.getFirstValue();
  if (!(value instanceof ICAL.Time) || value.isDate) return null;
  const tzid = property!.getParameter('tzid');
  if (typeof tzid !== 'string') return value.zone === ICAL.Timezone.utcTimezone ? value.toJSDate() : null;
  const vtimezone = calendar
    .getAllSubcomponents('vtimezone')
    .find((zone) => String(zone.getFirstPropertyValue('tzid') ?? '') === tzid);
  if (vtimezone) {
    const local = value.clone();
    local.zone = new ICAL.Timezone(vtimezone);
    return local.toJSDate();
  }
  const zoned = DateTime.fromObject(
    {
      year: value.year,
      month: value.month,
      day: value.day,
      hour: value.hour,
      minute: value.minute,
      second: value.second,
    },
    { zone: tzid },
  );
  return zoned.isValid ? zoned.toJSDate() : null;
}
