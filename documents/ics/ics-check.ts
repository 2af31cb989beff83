/** What a mail says about the invitation it carries, to be checked against the file itself. */
export interface IcalEventClaim {
  /** The MIME `method=` parameter. */
  method: string;
  uid: string;
  sequence: number;
}

/** The calendar's METHOD and its first event's UID and SEQUENCE (0 when absent, RFC 5545 §3.8.7.4). */
export interface IcsHeader {
  method?: string;
  uid?: string;
  sequence: number;
}

/** Reads METHOD, UID and SEQUENCE from iCalendar text, unfolding continuation lines first. */
export function readIcsHeader(content: string): IcsHeader {
  const header: IcsHeader = { sequence: 0 };
  const stack: string[] = [];
  let eventsSeen = 0;
  for (const line of content.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const match = /^([A-Za-z0-9-]+)(?:;[^:]*)?:(.*)$/.exec(line);
    if (!match) continue;
    const name = match[1]!.toUpperCase();
    const value = match[2]!.trim();
    const path = stack.join('/');
    if (name === 'BEGIN') {
      stack.push(value.toUpperCase());
      if (stack.join('/') === 'VCALENDAR/VEVENT') eventsSeen += 1;
    } else if (name === 'END') {
      stack.pop();
    } else if (path === 'VCALENDAR' && name === 'METHOD') {
      header.method = value;
    } else if (path === 'VCALENDAR/VEVENT' && eventsSeen === 1) {
      if (name === 'UID') header.uid = value;
      if (name === 'SEQUENCE') header.sequence = Number(value);
    }
  }
  return header;
}

/**
 * Why the claimed method, UID or SEQUENCE does not match the iCalendar content, or null when they
 * all do. RFC 6047 §2.4 requires the MIME `method=` to repeat the file's METHOD; a mismatch makes
 * calendar clients ignore or misread the invitation, and the ledger would record a UID or
 * SEQUENCE that was not sent.
 */
export function icalEventMismatch(claim: IcalEventClaim, content: string): string | null {
  const header = readIcsHeader(content);
  const problems: string[] = [];
  if (!header.method) problems.push(`the iCalendar content has no METHOD, while icalEvent.method is ${claim.method}`);
  else if (header.method.toUpperCase() !== claim.method.toUpperCase()) {
    problems.push(`icalEvent.method is ${claim.method} but the iCalendar content says METHOD:${header.method}`);
  }
  if (header.uid !== claim.uid)
    problems.push(`icalEvent.uid is ${claim.uid} but the event's UID is ${header.uid ?? '(none)'}`);
  if (header.sequence !== claim.sequence) {
    problems.push(
      `icalEvent.sequence is ${claim.sequence} but the event's SEQUENCE is ${
        Number.isNaN(header.sequence) ? '(not a number)' : header.sequence
      }`,
    );
  }
  return problems.length ? problems.join('; ') : null;
}
