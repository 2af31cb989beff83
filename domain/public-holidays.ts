import { DomainError } from './errors.js';
import { compareDates, dateKey, isValidDate, shiftDate, type LocalDate } from './paris-time.js';

/**
 * The public holidays (jours fériés) of metropolitan France, computed rather than listed, so that
 * any year works without a data file: the eleven days of the Code du travail (art. L3133-1), the
 * fixed ones and the three that follow Easter. Local days of Alsace-Moselle (Vendredi saint,
 * 26 décembre) and of the overseas departments are not included. The lundi de Pentecôte stays a
 * public holiday even where it is worked as the journée de solidarité.
 *
 * Pure (arithmetic on `LocalDate` only), so workflows may import it.
 */

/** One public holiday: its day and its French name, as people say it (« Lundi de Pâques »). */
export interface PublicHoliday {
  date: LocalDate;
  name: string;
}

/** The first year of the Gregorian calendar, for which the computus below is exact. */
const FIRST_GREGORIAN_YEAR = 1583;

const FIXED_HOLIDAYS: ReadonlyArray<{ month: number; day: number; name: string }> = [
  { month: 1, day: 1, name: 'Jour de l’an' },
  { month: 5, day: 1, name: 'Fête du Travail' },
  { month: 5, day: 8, name: 'Victoire 1945' },
  { month: 7, day: 14, name: 'Fête nationale' },
  { month: 8, day: 15, name: 'Assomption' },
  { month: 11, day: 1, name: 'Toussaint' },
  { month: 11, day: 11, name: 'Armistice 1918' },
  { month: 12, day: 25, name: 'Noël' },
];

/** Days after Easter Sunday. */
const EASTER_HOLIDAYS: ReadonlyArray<{ offset: number; name: string }> = [
  { offset: 1, name: 'Lundi de Pâques' },
  { offset: 39, name: 'Ascension' },
  { offset: 50, name: 'Lundi de Pentecôte' },
];

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_GREGORIAN_YEAR) {
    throw new DomainError(
      'INVALID_INPUT',
      `L’année doit être un nombre entier à partir de ${FIRST_GREGORIAN_YEAR} ; « ${year} » n’en est pas une.`,
      'year',
    );
  }
}

/**
 * Easter Sunday of a Gregorian year, by the anonymous Gregorian computus (Meeus/Jones/Butcher),
 * as in Jean Meeus, *Astronomical Algorithms*, ch. 8: always between 22 March and 25 April.
 */
export function easterSunday(year: number): LocalDate {
  checkYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return { year, month: Math.floor(n / 31), day: (n % 31) + 1 };
}

/** The eleven public holidays of `year`, in calendar order. */
export function publicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  return [
    ...FIXED_HOLIDAYS.map(({ month, day, name }) => ({ date: { year, month, day }, name })),
    ...EASTER_HOLIDAYS.map(({ offset, name }) => ({ date: shiftDate(easter, offset), name })),
  ].sort((x, y) => compareDates(x.date, y.date));
}

/** The name of the public holiday falling on `date` (« Ascension »), or null on an ordinary day. */
export function publicHolidayOn(date: LocalDate): string | null {
  if (!isValidDate(date)) {
    throw new DomainError('INVALID_INPUT', `La date ${dateKey(date)} n’existe pas dans le calendrier.`, 'date');
  }
  return publicHolidays(date.year).find((holiday) => compareDates(holiday.date, date) === 0)?.name ?? null;
}
