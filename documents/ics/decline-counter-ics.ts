/**
 * The DECLINECOUNTER (RFC 5546 §3.2.8) the organiser sends a member whose proposal of another time
 * (COUNTER) they turn down: the member's calendar then keeps the meeting where it is. Pure and
 * deterministic, like meeting-ics.ts: DTSTAMP is an input.
 *
 * Written line by line rather than by ical-generator, which wants a DTSTART on every event where
 * DECLINECOUNTER needs none; its escaping and folding are reused.
 */
import { escape, foldLines } from 'ical-generator';
import { DomainError } from '../../domain/errors.js';
import { cleanText, parameterText, PRODID } from './meeting-ics.js';

export interface DeclineCounterInput {
  /** The meeting's UID and current SEQUENCE. */
  uid: string;
  sequence: number;
  dtstamp: Date;
  organizer: { name: string; email: string };
  /** The member whose proposal is declined. */
  attendee: { name: string; email: string };
  /** Why, in the organiser's words (COMMENT). */
  comment?: string;
}

const EMAIL = /^[^\s@",;:<>\\]+@[^\s@",;:<>\\]+$/;

/** The DECLINECOUNTER of one member's proposal. */
export function declineCounterIcs(input: DeclineCounterInput): string {
  for (const [field, email] of [
    ['organizer.email', input.organizer.email],
    ['attendee.email', input.attendee.email],
  ] as const)
    if (!EMAIL.test(email)) throw new DomainError('INVALID_INPUT', `Adresse invalide : « ${email} ».`, field);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-${PRODID}`,
    'METHOD:DECLINECOUNTER',
    'BEGIN:VEVENT',
    `UID:${input.uid}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${input.dtstamp
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')}`,
    `ORGANIZER;CN="${parameterText(input.organizer.name)}":mailto:${input.organizer.email}`,
    `ATTENDEE;CN="${parameterText(input.attendee.name)}":mailto:${input.attendee.email}`,
    ...(input.comment?.trim() ? [`COMMENT:${escape(cleanText(input.comment.trim()), false)}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map((line) => foldLines(line)).join('\r\n')}\r\n`;
}
