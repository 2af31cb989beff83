import { SCHOOL_YEARS } from './data/school-holidays.js';
import { DomainError } from './errors.js';
import { compareDates, dateKey, formatFrenchDate, isValidDate, parseDateKey, type LocalDate } from './paris-time.js';

/**
 * School holidays (vacances scolaires) of metropolitan France by zone, read from the official
 * calendars recorded in `domain/data/school-holidays.ts`. A meeting can still be held during
 * them, but members with children are often away: callers warn rather than refuse.
 *
 * Pure (the data is a frozen module, no file is read), so workflows may import it.
 */

/** The three holiday zones; the académie of Poitiers (Deux-Sèvres) is in zone A. */
export const SCHOOL_ZONES = ['A', 'B', 'C'] as const;
export type Zone = (typeof SCHOOL_ZONES)[number];

export const SCHOOL_HOLIDAY_KINDS = ['toussaint', 'noel', 'hiver', 'printemps', 'ete'] as const;
export type SchoolHolidayKind = (typeof SCHOOL_HOLIDAY_KINDS)[number];

/** The French name of each kind, as the arrêtés and families say it. */
export const SCHOOL_HOLIDAY_NAMES: Readonly<Record<SchoolHolidayKind, string>> = Object.freeze({
  toussaint: 'Vacances de la Toussaint',
  noel: 'Vacances de Noël',
  hiver: 'Vacances d’hiver',
  printemps: 'Vacances de printemps',
  ete: 'Vacances d’été',
});

/** One school year as the data file records it; dates as `YYYY-MM-DD`. */
export interface SchoolYearRecord {
  /** `2024-2025`. */
  schoolYear: string;
  /** The arrêté that fixes the year's calendar, with its Journal officiel reference. */
  source: string;
  /** False while a date of the year rests on a single unofficial source or on inference. */
  verified: boolean;
  /** What is uncertain or special about the year, in French. */
  note?: string;
  /** The rentrée des élèves: the first day of classes. */
  start: string;
  /** The rentrée of the next school year: the day after this one ends, and the end of its summer. */
  end: string;
  holidays: ReadonlyArray<{ kind: SchoolHolidayKind; zones: readonly Zone[]; start: string; end: string }>;
}

/** A school holiday of one zone: from `start` (the first day off) to `end`, when classes resume. */
export interface SchoolHoliday {
  kind: SchoolHolidayKind;
  /** « Vacances d’hiver ». */
  name: string;
  zone: Zone;
  /** The first day off: the arrêté's « fin des cours » day. */
  start: LocalDate;
  /** The day classes resume (« reprise des cours »): no longer a holiday. */
  end: LocalDate;
  /** The school year it belongs to, `2024-2025`. */
  schoolYear: string;
  /** False when the dates still need checking against the arrêté (see the data file). */
  verified: boolean;
}

const HOLIDAYS: Readonly<Record<Zone, readonly SchoolHoliday[]>> = Object.freeze({
  A: holidaysOf('A'),
  B: holidaysOf('B'),
  C: holidaysOf('C'),
});

/** The days the data covers: from the first rentrée to the day before `until`. */
export const SCHOOL_HOLIDAY_COVERAGE: Readonly<{
  firstYear: string;
  lastYear: string;
  from: LocalDate;
  until: LocalDate;
}> = Object.freeze({
  firstYear: SCHOOL_YEARS[0]!.schoolYear,
  lastYear: SCHOOL_YEARS[SCHOOL_YEARS.length - 1]!.schoolYear,
  from: parseDateKey(SCHOOL_YEARS[0]!.start),
  until: parseDateKey(SCHOOL_YEARS[SCHOOL_YEARS.length - 1]!.end),
});

function holidaysOf(zone: Zone): readonly SchoolHoliday[] {
  const holidays = SCHOOL_YEARS.flatMap(({ schoolYear, verified, holidays }) =>
    holidays
      .filter((holiday) => holiday.zones.includes(zone))
      .map(({ kind, start, end }) =>
        Object.freeze({
          kind,
          name: SCHOOL_HOLIDAY_NAMES[kind],
          zone,
          start: Object.freeze(parseDateKey(start)),
          end: Object.freeze(parseDateKey(end)),
          schoolYear,
          verified,
        }),
      ),
  );
  return Object.freeze(holidays.sort((a, b) => compareDates(a.start, b.start)));
}

export function isZone(value: unknown): value is Zone {
  return typeof value === 'string' && (SCHOOL_ZONES as readonly string[]).includes(value);
}

/**
 * A convention's `schoolZone` as stored (`'A'`, or null for a territory without one) made a
 * {@link Zone}; refuses anything else with a French message.
 */
export function parseZone(value: string | null | undefined): Zone | null {
  if (value === null || value === undefined || value === '') return null;
  assertZone(value);
  return value;
}

function assertZone(zone: unknown): asserts zone is Zone {
  if (!isZone(zone)) {
    throw new DomainError(
      'INVALID_INPUT',
      `La zone de vacances scolaires doit être A, B ou C ; « ${String(zone)} » n’en est pas une.`,
      'schoolZone',
    );
  }
}

/** True when the data knows the school holidays of `date` (any zone: all have the same years). */
export function schoolHolidaysKnownOn(date: LocalDate): boolean {
  return compareDates(date, SCHOOL_HOLIDAY_COVERAGE.from) >= 0 && compareDates(date, SCHOOL_HOLIDAY_COVERAGE.until) < 0;
}

function assertCovered(date: LocalDate, field: string): void {
  if (!isValidDate(date)) {
    throw new DomainError('INVALID_INPUT', `La date ${dateKey(date)} n’existe pas dans le calendrier.`, field);
  }
  if (!schoolHolidaysKnownOn(date)) {
    const { firstYear, lastYear, from, until } = SCHOOL_HOLIDAY_COVERAGE;
    throw new DomainError(
      'INVALID_INPUT',
      `Les vacances scolaires ne sont connues que pour les années scolaires ${firstYear} à ${lastYear} ` +
        `(du ${formatFrenchDate(from)} à la veille du ${formatFrenchDate(until)}) ` +
        `; le ${formatFrenchDate(date)} n’en fait pas partie. ` +
        'Pour ajouter une année scolaire, recopiez les dates de l’arrêté ' +
        'qui fixe son calendrier dans domain/data/school-holidays.ts.',
      field,
    );
  }
}

/**
 * The school holiday of `zone` that `date` falls in, or null on a school day (the day classes
 * resume is a school day). Refuses an unknown zone or a date outside the data with a DomainError.
 */
export function schoolHolidayOn(date: LocalDate, zone: Zone): SchoolHoliday | null {
  assertZone(zone);
  assertCovered(date, 'date');
  return (
    HOLIDAYS[zone].find((holiday) => compareDates(holiday.start, date) <= 0 && compareDates(date, holiday.end) < 0) ??
    null
  );
}

/**
 * The school holidays of `zone` with at least one day off from `from` to `to` (both included), in
 * calendar order. Both days must be in the data; `to` may not precede `from`.
 */
export function schoolHolidaysBetween(from: LocalDate, to: LocalDate, zone: Zone): SchoolHoliday[] {
  assertZone(zone);
  assertCovered(from, 'from');
  assertCovered(to, 'to');
  if (compareDates(to, from) < 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `La fin de la période (${formatFrenchDate(to)}) précède son début (${formatFrenchDate(from)}).`,
      'to',
    );
  }
  return HOLIDAYS[zone].filter(
    (holiday) => compareDates(holiday.start, to) <= 0 && compareDates(from, holiday.end) < 0,
  );
}
