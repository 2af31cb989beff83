/**
 * Reads the iMIP REPLY (RFC 6047, RFC 5546 §3.2.3) a calendar client sends to the organizer when
 * its user accepts, declines or answers « peut-être » to an invitation.
 */
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { z } from 'zod';
import { RSVP_PARTSTATS, type RsvpPartStat } from '../../domain/meeting-rules.js';
import { email, fieldPath, nonEmptyText } from '../../domain/validation.js';

/** The answer a REPLY carries. */
export interface ImipReply {
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

/** What a mail turned out to be: a usable reply, something else (ignored), or a broken calendar. */
export type ImipReadResult =
  { kind: 'reply'; reply: ImipReply } | { kind: 'ignored'; reason: string } | { kind: 'malformed'; reason: string };

const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics']);

/**
 * Finds the REPLY in a raw mail: a calendar part sent as an alternative, an attachment, or the
 * whole message, in any transfer encoding (mailparser decodes base64 and quoted-printable). The
 * first part whose METHOD is REPLY is the one read.
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
  if (parts.length === 0) return { kind: 'ignored', reason: 'no calendar part' };

  let problem: ImipReadResult = { kind: 'ignored', reason: 'no calendar part with METHOD:REPLY' };
  for (const part of parts) {
    let calendar: InstanceType<typeof ICAL.Component>;
    try {
      calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[]);
    } catch (error) {
      problem = { kind: 'malformed', reason: `calendar part not iCalendar: ${(error as Error).message}` };
      continue;
    }
    if (String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase() !== 'REPLY') continue;
    const read = readReply(calendar, from);
    if (read.kind === 'reply') return read;
    problem = read;
  }
  return problem;
}

const edgeSchema = z.object({ from: email(), uid: nonEmptyText(255) });

function readReply(calendar: InstanceType<typeof ICAL.Component>, from: string | undefined): ImipReadResult {
  const event = calendar.getFirstSubcomponent('vevent');
  if (!event) return { kind: 'malformed', reason: 'REPLY without VEVENT' };
  const uid = String(event.getFirstPropertyValue('uid') ?? '').trim();
  if (!uid) return { kind: 'malformed', reason: 'REPLY without UID' };
  if (!from) return { kind: 'ignored', reason: `REPLY for ${uid} without a From address` };
  // What reaches the store passes the edge's text rules, as every input does: no control characters.
  const edge = edgeSchema.safeParse({ from, uid });
  if (!edge.success) {
    const fields = edge.error.issues.map((issue) => fieldPath(issue.path)).join(', ');
    return {
      kind: 'malformed',
      reason: `REPLY refused: ${fields} refused by the edge text rules (control or bidi characters, or not an address)`,
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
    return { kind: 'ignored', reason: `REPLY for ${uid}: no ATTENDEE is the sender ${from} (attendees: ${named})` };
  }
  const partstat = RSVP_PARTSTATS.find((value) => value === answering.partstat);
  if (!partstat)
    return { kind: 'ignored', reason: `REPLY for ${uid} from ${from} with PARTSTAT ${answering.partstat || '(none)'}` };

  const sequenceValue = event.getFirstPropertyValue('sequence');
  const sequence = typeof sequenceValue === 'number' && Number.isInteger(sequenceValue) ? sequenceValue : undefined;
  return {
    kind: 'reply',
    reply: { from, uid, attendee: answering.address, partstat, ...(sequence === undefined ? {} : { sequence }) },
  };
}
