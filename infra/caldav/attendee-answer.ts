import ICAL from 'ical.js';
import { RSVP_PARTSTATS, type RsvpPartStat } from '../../domain/meeting-rules.js';

/** A member's answer as their calendar object states it, with the version (SEQUENCE) it answers. */
export interface AttendeeAnswer {
  partstat: RsvpPartStat;
  sequence: number;
}

/**
 * Reads the answer `email` gave in their calendar app from the object stored in their calendar:
 * the PARTSTAT of their ATTENDEE line of the event `uid`. Null when the object is unreadable, is
 * another event, or holds no answer (NEEDS-ACTION, or their line is gone).
 */
export function attendeeAnswer(ics: string, uid: string, email: string): AttendeeAnswer | null {
  let event: InstanceType<typeof ICAL.Component> | null;
  try {
    event = new ICAL.Component(ICAL.parse(ics) as unknown[]).getFirstSubcomponent('vevent');
  } catch {
    return null;
  }
  if (!event || String(event.getFirstPropertyValue('uid') ?? '') !== uid) return null;
  const address = email.toLowerCase();
  const line = event.getAllProperties('attendee').find(
    (property) =>
      String(property.getFirstValue() ?? '')
        .replace(/^mailto:/i, '')
        .toLowerCase() === address,
  );
  const partstat = RSVP_PARTSTATS.find((value) => value === String(line?.getParameter('partstat') ?? '').toUpperCase());
  if (!partstat) return null;
  const sequence = event.getFirstPropertyValue('sequence');
  return { partstat, sequence: typeof sequence === 'number' && Number.isInteger(sequence) ? sequence : 0 };
}
