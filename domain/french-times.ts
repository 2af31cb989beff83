import { dateKey, formatFrench, formatFrenchDate, toLocal, type LocalDateTime } from './paris-time.js';

/**
 * How a time of day is written: `spoken` as people write it, « 14 h », « 9 h 30 » (the pages);
 * `padded` as the mails and documents have always written it, « 14 h 00 », « 09 h 30 ».
 */
export type ClockStyle = 'spoken' | 'padded';

/** The time of day of `instant` in `zone`, in `style`. */
export function frenchClock(instant: Date, zone: string, style: ClockStyle): string {
  return clockText(toLocal(instant, zone), style);
}

function clockText({ hour, minute }: LocalDateTime, style: ClockStyle): string {
  if (style === 'spoken') return minute === 0 ? `${hour} h` : `${hour} h ${String(minute).padStart(2, '0')}`;
  return `${String(hour).padStart(2, '0')} h ${String(minute).padStart(2, '0')}`;
}

/**
 * A day and its time: spoken « jeudi 26 mars 2026, 14 h »; padded « jeudi 26 mars 2026 à 14 h 00 »
 * ({@link formatFrench} with its time).
 */
export function frenchDateTime(instant: Date, zone: string, style: ClockStyle): string {
  return style === 'padded'
    ? formatFrench(instant, zone, { withTime: true })
    : `${formatFrench(instant, zone)}, ${frenchClock(instant, zone, 'spoken')}`;
}

/**
 * When a meeting takes place: « mardi 18 juin 2024, de 14 h 00 à 17 h 00 », or « du mardi 18 juin
 * 2024 à 14 h 00 au mercredi 19 juin 2024 à 12 h 00 » when it spans days (in the meeting's zone).
 */
export function frenchMeetingTimes(startsAt: Date, endsAt: Date, zone: string, style: ClockStyle = 'padded'): string {
  if (endsAt.getTime() < startsAt.getTime()) {
    throw new RangeError(
      `meeting.endsAt (${endsAt.toISOString()}) is before meeting.startsAt (${startsAt.toISOString()})`,
    );
  }
  // Each instant read once in the zone: a feed of thousands of meetings writes this for each.
  const [start, end] = [toLocal(startsAt, zone), toLocal(endsAt, zone)];
  if (dateKey(start) === dateKey(end)) {
    return `${formatFrenchDate(start)}, de ${clockText(start, style)} à ${clockText(end, style)}`;
  }
  return `du ${frenchDateTime(startsAt, zone, style)} au ${frenchDateTime(endsAt, zone, style)}`;
}

/** The zone a time is read in, for who may be elsewhere: « heure de Paris », « fuseau America/Cayenne ». */
export const zoneText = (zone: string) => (zone === 'Europe/Paris' ? 'heure de Paris' : `fuseau ${zone}`);
