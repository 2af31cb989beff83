import { formatFrench, localDateKey, toLocal } from '../../domain/paris-time.js';

/** « 17 h 00 »: the time of day as {@link formatFrench} writes it. */
export function frenchTime(instant: Date, zone: string): string {
  const { hour, minute } = toLocal(instant, zone);
  return `${String(hour).padStart(2, '0')} h ${String(minute).padStart(2, '0')}`;
}

/**
 * When a meeting takes place, as mails and the agenda PDF show it: « mardi 18 juin 2024, de
 * 14 h 00 à 17 h 00 », or « du mardi 18 juin 2024 à 14 h 00 au mercredi 19 juin 2024 à 12 h 00 »
 * when it spans days (in the meeting's zone).
 */
export function frenchMeetingTimes(startsAt: Date, endsAt: Date, zone: string): string {
  if (endsAt.getTime() < startsAt.getTime()) {
    throw new RangeError(
      `meeting.endsAt (${endsAt.toISOString()}) is before meeting.startsAt (${startsAt.toISOString()})`,
    );
  }
  if (localDateKey(startsAt, zone) === localDateKey(endsAt, zone)) {
    return `${formatFrench(startsAt, zone)}, de ${frenchTime(startsAt, zone)} à ${frenchTime(endsAt, zone)}`;
  }
  return `du ${formatFrench(startsAt, zone, { withTime: true })} au ${formatFrench(endsAt, zone, { withTime: true })}`;
}
