import { DomainError } from './errors.js';
import { dateKey, formatFrenchDate, isValidDate, shiftDate, weekdayOf, type LocalDate } from './paris-time.js';
import { publicHolidayOn } from './public-holidays.js';
import {
  SCHOOL_HOLIDAY_COVERAGE,
  parseZone,
  schoolHolidayOn,
  schoolHolidaysKnownOn,
  type Zone,
} from './school-holidays.js';

/**
 * Whether a day suits a meeting, for the annual calendar's recurring meetings and the date polls:
 * weekends and public holidays are ruled out, school holidays of the territory's zone only warned
 * about (members with children are often away, but a meeting may still be held).
 *
 * Pure, so workflows may import it.
 */

/** What {@link checkMeetingDate} finds about a day; the texts are French, for people. */
export interface MeetingDateCheck {
  /** Why no meeting is held that day: « samedi », « dimanche », or « Lundi de Pâques (jour férié) ». */
  blocked?: string;
  /** What to weigh before choosing the day: the zone's school holidays, or dates the data lacks. */
  warnings: string[];
}

/** The first day a meeting may be held, with the warnings {@link checkMeetingDate} gives for it. */
export interface OpenDay {
  date: LocalDate;
  warnings: string[];
}

/**
 * Checks a meeting day. A public holiday blocks it first (its name is the more useful reason),
 * then Saturday and Sunday. With a `zone` (null: the territory has none), a day in that zone's
 * school holidays gets a warning, as does a day beyond the school-holiday data, rather than an
 * error: public holidays are known for every year. An unknown zone is refused.
 */
export function checkMeetingDate(date: LocalDate, zone: Zone | null): MeetingDateCheck {
  if (!isValidDate(date)) {
    throw new DomainError('INVALID_INPUT', `La date ${dateKey(date)} n’existe pas dans le calendrier.`, 'date');
  }
  const warnings = schoolHolidayWarnings(date, parseZone(zone));
  const holiday = publicHolidayOn(date);
  const weekday = weekdayOf(date);
  const blocked = holiday
    ? `${holiday} (jour férié)`
    : weekday === 6
      ? 'samedi'
      : weekday === 7
        ? 'dimanche'
        : undefined;
  return blocked === undefined ? { warnings } : { blocked, warnings };
}

/**
 * `date` itself when a meeting may be held that day, else the first such day after it: weekends
 * and public holidays are skipped, school holidays only warned about.
 */
export function nextOpenDay(date: LocalDate, zone: Zone | null): OpenDay {
  let day = date;
  for (;;) {
    const { blocked, warnings } = checkMeetingDate(day, zone);
    if (blocked === undefined) return { date: day, warnings };
    day = shiftDate(day, 1);
  }
}

/**
 * `date` itself when it is a working day, else the last working day before it: weekends and public
 * holidays are skipped (a long weekend such as Ascension's Thursday to Sunday goes back to the
 * Wednesday). What a reminder due on a day off moves to.
 */
export function previousWorkingDay(date: LocalDate): LocalDate {
  let day = date;
  while (checkMeetingDate(day, null).blocked !== undefined) day = shiftDate(day, -1);
  return day;
}

function schoolHolidayWarnings(date: LocalDate, zone: Zone | null): string[] {
  if (zone === null) return [];
  if (!schoolHolidaysKnownOn(date)) {
    const { firstYear, lastYear } = SCHOOL_HOLIDAY_COVERAGE;
    return [
      `Les vacances scolaires de la zone ${zone} ne sont pas connues pour le ${formatFrenchDate(date)} ` +
        `(seulement de ${firstYear} à ${lastYear}) : vérifiez-les avant de retenir cette date.`,
    ];
  }
  const holiday = schoolHolidayOn(date, zone);
  if (holiday === null) return [];
  const unchecked = holiday.verified
    ? ''
    : ` Dates à confirmer : le calendrier scolaire ${holiday.schoolYear} n’a pas encore été vérifié sur son arrêté.`;
  return [
    `${holiday.name} (zone ${zone}), du ${formatFrenchDate(holiday.start)} ` +
      `à la reprise des cours le ${formatFrenchDate(holiday.end)} : ` +
      `des participants risquent d’être absents.${unchecked}`,
  ];
}
