import { frenchClock, frenchDateTime, frenchMeetingTimes, zoneText } from '../../domain/french-times.js';
import { DEFAULT_ZONE, formatFrenchDate, parseDateKey } from '../../domain/paris-time.js';

/**
 * How every page writes a date: as people do, « jeudi 26 mars 2026, 14 h », « 14 h 30 » when the
 * minutes are not zero, in Paris unless the thing shown has its own zone (a meeting, a poll).
 * Mails and documents keep their own « à 14 h 00 » (domain/french-times.ts' padded style).
 */

/** An instant: « jeudi 26 mars 2026, 14 h ». */
export function frenchInstant(instant: string | Date, zone: string = DEFAULT_ZONE): string {
  return frenchDateTime(typeof instant === 'string' ? new Date(instant) : instant, zone, 'spoken');
}

/** A time of day: « 14 h », « 9 h 30 ». */
export function frenchTime(instant: Date, zone: string = DEFAULT_ZONE): string {
  return frenchClock(instant, zone, 'spoken');
}

/** A `YYYY-MM-DD` day: « jeudi 26 mars 2026 ». */
export function frenchDay(key: string): string {
  return formatFrenchDate(parseDateKey(key));
}

/** A meeting's times: « jeudi 26 mars 2026, de 14 h à 16 h 30 (heure de Paris) », or « du … au … ». */
export function frenchMeetingWhen(startsAt: Date, endsAt: Date, zone: string = DEFAULT_ZONE): string {
  return `${frenchMeetingTimes(startsAt, endsAt, zone, 'spoken')} (${zoneText(zone)})`;
}

export const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The meeting states of the schema, in French. */
export const MEETING_STATUS_LABELS: Readonly<Record<string, string>> = {
  planifiee: 'planifiée',
  convoquee: 'convoquée',
  tenue: 'tenue',
  annulee: 'annulée',
};
