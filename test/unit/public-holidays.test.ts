import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import { compareDates, dateKey, shiftDate, weekdayOf, type LocalDate } from '../../domain/paris-time.js';
import { easterSunday, publicHolidayOn, publicHolidays } from '../../domain/public-holidays.js';

/** Fixed so that a failure replays: the report gives the seed and the path; FC_SEED explores others. */
const SEED = Number(process.env.FC_SEED ?? 20250420);

/**
 * Western (Gregorian) Easter Sundays, 2000–2030, as published in the well-known tables: the
 * Astronomical Society of South Africa's « Easter Dates » list and Wikipedia's « List of dates for
 * Easter » give the same days.
 */
const EASTER_2000_2030: Record<number, string> = {
  2000: '2000-04-23',
  2001: '2001-04-15',
  2002: '2002-03-31',
  2003: '2003-04-20',
  2004: '2004-04-11',
  2005: '2005-03-27',
  2006: '2006-04-16',
  2007: '2007-04-08',
  2008: '2008-03-23',
  2009: '2009-04-12',
  2010: '2010-04-04',
  2011: '2011-04-24',
  2012: '2012-04-08',
  2013: '2013-03-31',
  2014: '2014-04-20',
  2015: '2015-04-05',
  2016: '2016-03-27',
  2017: '2017-04-16',
  2018: '2018-04-01',
  2019: '2019-04-21',
  2020: '2020-04-12',
  2021: '2021-04-04',
  2022: '2022-04-17',
  2023: '2023-04-09',
  2024: '2024-03-31',
  2025: '2025-04-20',
  2026: '2026-04-05',
  2027: '2027-03-28',
  2028: '2028-04-16',
  2029: '2029-04-01',
  2030: '2030-04-21',
};

const day = (year: number, month: number, d: number): LocalDate => ({ year, month, day: d });

describe('easterSunday', () => {
  it('gives the published Easter Sunday of every year from 2000 to 2030', () => {
    const computed = Object.fromEntries(
      Object.keys(EASTER_2000_2030).map((year) => [year, dateKey(easterSunday(Number(year)))]),
    );
    expect(computed).toEqual(EASTER_2000_2030);
  });

  it('reaches both ends of its range: 22 March (1818, 2285) and 25 April (1943, 2038)', () => {
    expect([1818, 2285, 1943, 2038].map((year) => dateKey(easterSunday(year)))).toEqual([
      '1818-03-22',
      '2285-03-22',
      '1943-04-25',
      '2038-04-25',
    ]);
  });

  it('refuses a year before the Gregorian calendar or not a whole number', () => {
    expect(() => easterSunday(1582)).toThrow(DomainError);
    expect(() => easterSunday(2024.5)).toThrow(/nombre entier/);
  });

  it(
    'always falls on a Sunday from 22 March to 25 April, with Ascension ' +
      'a Thursday 39 days after and Pentecost Monday 50 days after',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
          const easter = easterSunday(year);
          expect(weekdayOf(easter)).toBe(7);
          expect(compareDates(easter, day(year, 3, 22))).toBeGreaterThanOrEqual(0);
          expect(compareDates(easter, day(year, 4, 25))).toBeLessThanOrEqual(0);
          const names = new Map(publicHolidays(year).map((holiday) => [dateKey(holiday.date), holiday.name]));
          const ascension = shiftDate(easter, 39);
          const pentecostMonday = shiftDate(easter, 50);
          expect(weekdayOf(ascension)).toBe(4);
          expect(weekdayOf(pentecostMonday)).toBe(1);
          expect(names.get(dateKey(shiftDate(easter, 1)))).toBe('Lundi de Pâques');
          expect(names.get(dateKey(ascension))).toBe('Ascension');
          expect(names.get(dateKey(pentecostMonday))).toBe('Lundi de Pentecôte');
        }),
        { seed: SEED, numRuns: 500 },
      );
    },
  );
});

describe('publicHolidays', () => {
  it('lists the eleven public holidays of 2025 in calendar order, with their French names', () => {
    expect(publicHolidays(2025).map(({ date, name }) => `${dateKey(date)} ${name}`)).toEqual([
      '2025-01-01 Jour de l’an',
      '2025-04-21 Lundi de Pâques',
      '2025-05-01 Fête du Travail',
      '2025-05-08 Victoire 1945',
      '2025-05-29 Ascension',
      '2025-06-09 Lundi de Pentecôte',
      '2025-07-14 Fête nationale',
      '2025-08-15 Assomption',
      '2025-11-01 Toussaint',
      '2025-11-11 Armistice 1918',
      '2025-12-25 Noël',
    ]);
  });

  it('gives eleven holidays in calendar order every year, both kept when Ascension falls on 1 May', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
        const holidays = publicHolidays(year);
        expect(holidays).toHaveLength(11);
        expect(holidays.every((holiday) => holiday.date.year === year)).toBe(true);
        const keys = holidays.map((holiday) => dateKey(holiday.date));
        expect([...keys].sort()).toEqual(keys);
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(
      publicHolidays(2008)
        .filter((holiday) => dateKey(holiday.date) === '2008-05-01')
        .map((h) => h.name),
    ).toEqual(['Fête du Travail', 'Ascension']);
  });
});

describe('publicHolidayOn', () => {
  it('names the holiday of a day and returns null on an ordinary day', () => {
    expect(publicHolidayOn(day(2024, 4, 1))).toBe('Lundi de Pâques');
    expect(publicHolidayOn(day(2024, 5, 9))).toBe('Ascension');
    expect(publicHolidayOn(day(2024, 5, 20))).toBe('Lundi de Pentecôte');
    expect(publicHolidayOn(day(2026, 7, 14))).toBe('Fête nationale');
    expect(publicHolidayOn(day(2026, 7, 15))).toBeNull();
    expect(publicHolidayOn(day(2025, 4, 20))).toBeNull(); // Easter Sunday itself is a Sunday, not a listed holiday
  });

  it('refuses a day the calendar lacks', () => {
    expect(() => publicHolidayOn(day(2025, 2, 29))).toThrow(/n’existe pas/);
  });
});
