import { describe, expect, it } from 'vitest';
import { SCHOOL_YEARS } from '../../domain/data/school-holidays.js';
import { DomainError } from '../../domain/errors.js';
import { compareDates, dateKey, parseDateKey, weekdayOf, type LocalDate } from '../../domain/paris-time.js';
import {
  SCHOOL_HOLIDAY_COVERAGE,
  SCHOOL_HOLIDAY_KINDS,
  SCHOOL_ZONES,
  parseZone,
  schoolHolidayOn,
  schoolHolidaysBetween,
  schoolHolidaysKnownOn,
  type SchoolHoliday,
  type Zone,
} from '../../domain/school-holidays.js';

const day = (key: string): LocalDate => parseDateKey(key);
const span = (holiday: SchoolHoliday | null) =>
  holiday && `${holiday.name} ${dateKey(holiday.start)} → ${dateKey(holiday.end)}`;

describe('schoolHolidayOn', () => {
  it('finds the known holidays of zone A, the reference territory’s (académie de Poitiers)', () => {
    expect(span(schoolHolidayOn(day('2024-10-25'), 'A'))).toBe('Vacances de la Toussaint 2024-10-19 → 2024-11-04');
    expect(span(schoolHolidayOn(day('2024-12-25'), 'A'))).toBe('Vacances de Noël 2024-12-21 → 2025-01-06');
    expect(span(schoolHolidayOn(day('2025-03-01'), 'A'))).toBe('Vacances d’hiver 2025-02-22 → 2025-03-10');
    expect(span(schoolHolidayOn(day('2025-04-25'), 'A'))).toBe('Vacances de printemps 2025-04-19 → 2025-05-05');
    expect(span(schoolHolidayOn(day('2025-08-15'), 'A'))).toBe('Vacances d’été 2025-07-05 → 2025-09-01');
  });

  it('counts the first day off and not the day classes resume', () => {
    expect(schoolHolidayOn(day('2025-02-21'), 'A')).toBeNull();
    expect(schoolHolidayOn(day('2025-02-22'), 'A')?.kind).toBe('hiver');
    expect(schoolHolidayOn(day('2025-03-09'), 'A')?.kind).toBe('hiver');
    expect(schoolHolidayOn(day('2025-03-10'), 'A')).toBeNull();
  });

  it('tells the zones apart in winter and spring', () => {
    const zonesOff = (key: string) => SCHOOL_ZONES.filter((zone) => schoolHolidayOn(day(key), zone) !== null);
    expect(zonesOff('2025-02-10')).toEqual(['B']);
    expect(zonesOff('2025-02-17')).toEqual(['B', 'C']);
    expect(zonesOff('2025-02-24')).toEqual(['A', 'C']); // B is back, C's second week, A's first
    expect(zonesOff('2024-04-08')).toEqual(['C']);
    expect(zonesOff('2025-04-22')).toEqual(['A', 'C']); // B resumes on Tuesday 22 April, after lundi de Pâques
    expect(zonesOff('2023-11-01')).toEqual(['A', 'B', 'C']);
  });

  it('says whether a year’s dates are verified', () => {
    expect(schoolHolidayOn(day('2025-10-20'), 'A')).toMatchObject({ schoolYear: '2025-2026', verified: true });
    expect(schoolHolidayOn(day('2027-02-15'), 'A')).toMatchObject({
      schoolYear: '2026-2027',
      verified: false,
      kind: 'hiver',
    });
  });

  it('refuses a date outside the data, saying which years are covered and how to add one', () => {
    const call = () => schoolHolidayOn(day('2029-02-20'), 'A');
    expect(call).toThrow(DomainError);
    expect(call).toThrow(/2022-2023 à 2027-2028/);
    expect(call).toThrow(/domain\/data\/school-holidays\.ts/);
    expect(() => schoolHolidayOn(day('2022-08-31'), 'A')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'date' }),
    );
    expect(schoolHolidayOn(day('2022-09-01'), 'A')).toBeNull();
    expect(() => schoolHolidayOn(SCHOOL_HOLIDAY_COVERAGE.until, 'A')).toThrow(DomainError);
  });

  it('refuses an unknown zone and a day the calendar lacks', () => {
    expect(() => schoolHolidayOn(day('2025-02-24'), 'D' as Zone)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'schoolZone' }),
    );
    expect(() => schoolHolidayOn({ year: 2025, month: 2, day: 30 }, 'A')).toThrow(/n’existe pas/);
  });
});

describe('schoolHolidaysBetween', () => {
  it('lists the holidays with a day off in the period, both ends included', () => {
    const names = (from: string, to: string, zone: Zone) => schoolHolidaysBetween(day(from), day(to), zone).map(span);
    expect(names('2024-09-01', '2025-08-31', 'A')).toEqual([
      'Vacances d’été 2024-07-06 → 2024-09-02',
      'Vacances de la Toussaint 2024-10-19 → 2024-11-04',
      'Vacances de Noël 2024-12-21 → 2025-01-06',
      'Vacances d’hiver 2025-02-22 → 2025-03-10',
      'Vacances de printemps 2025-04-19 → 2025-05-05',
      'Vacances d’été 2025-07-05 → 2025-09-01',
    ]);
    expect(names('2025-03-10', '2025-04-18', 'A')).toEqual([]);
    expect(names('2025-03-09', '2025-04-19', 'A')).toEqual([
      'Vacances d’hiver 2025-02-22 → 2025-03-10',
      'Vacances de printemps 2025-04-19 → 2025-05-05',
    ]);
  });

  it('refuses a period that ends before it starts or leaves the data', () => {
    expect(() => schoolHolidaysBetween(day('2025-03-01'), day('2025-02-01'), 'A')).toThrow(/précède son début/);
    expect(() => schoolHolidaysBetween(day('2028-01-01'), day('2029-01-01'), 'A')).toThrow(
      expect.objectContaining({ field: 'to' }),
    );
  });
});

describe('parseZone and schoolHolidaysKnownOn', () => {
  it('reads a convention’s stored zone', () => {
    expect(parseZone('A')).toBe('A');
    expect(parseZone(null)).toBeNull();
    expect(parseZone('')).toBeNull();
    expect(() => parseZone('a')).toThrow(/A, B ou C/);
  });

  it('knows the covered days', () => {
    expect(schoolHolidaysKnownOn(day('2022-08-31'))).toBe(false);
    expect(schoolHolidaysKnownOn(day('2022-09-01'))).toBe(true);
    expect(schoolHolidaysKnownOn(day('2028-09-03'))).toBe(true);
    expect(schoolHolidaysKnownOn(day('2028-09-04'))).toBe(false);
  });
});

describe('the school-holiday data', () => {
  it('cites its arrêté for every school year, and explains the unverified ones', () => {
    for (const year of SCHOOL_YEARS) {
      expect(year.source, year.schoolYear).toMatch(/^Arrêté /);
      if (!year.verified) expect(year.note, year.schoolYear).toBeTruthy();
    }
    expect(SCHOOL_YEARS.map((year) => year.schoolYear)).toEqual([
      '2022-2023',
      '2023-2024',
      '2024-2025',
      '2025-2026',
      '2026-2027',
      '2027-2028',
    ]);
  });

  it('chains the school years: each starts at the previous one’s end, the rentrée, in September', () => {
    SCHOOL_YEARS.forEach((year, i) => {
      const [first, second] = year.schoolYear.split('-').map(Number);
      expect(second, year.schoolYear).toBe(first! + 1);
      expect(day(year.start), year.schoolYear).toMatchObject({ year: first, month: 9 });
      expect(day(year.end), year.schoolYear).toMatchObject({ year: second, month: 9 });
      if (i > 0) expect(year.start, year.schoolYear).toBe(SCHOOL_YEARS[i - 1]!.end);
    });
  });

  it('has well-formed holidays: real dates, start before end, inside the school year', () => {
    for (const year of SCHOOL_YEARS) {
      for (const holiday of year.holidays) {
        const where = `${year.schoolYear} ${holiday.kind} ${holiday.zones.join('')}`;
        const [start, end] = [day(holiday.start), day(holiday.end)];
        expect(compareDates(start, end), where).toBeLessThan(0);
        expect(compareDates(day(year.start), start), where).toBeLessThan(0);
        expect(compareDates(end, day(year.end)), where).toBeLessThanOrEqual(0);
        expect(weekdayOf(end), `${where}: classes resume on a weekday`).toBeLessThan(6);
        if (holiday.kind !== 'ete') expect(weekdayOf(start), `${where}: starts on the Saturday`).toBe(6);
        else expect(holiday.end, `${where}: summer ends at the rentrée`).toBe(year.end);
      }
    }
  });

  it('gives every zone each kind of holiday once a year, with no two of a zone overlapping', () => {
    for (const year of SCHOOL_YEARS) {
      for (const zone of SCHOOL_ZONES) {
        const own = year.holidays.filter((holiday) => holiday.zones.includes(zone));
        expect(own.map((holiday) => holiday.kind).sort(), `${year.schoolYear} ${zone}`).toEqual(
          [...SCHOOL_HOLIDAY_KINDS].sort(),
        );
        const sorted = own
          .map((holiday) => [day(holiday.start), day(holiday.end)] as const)
          .sort(([a], [b]) => compareDates(a, b));
        sorted.slice(1).forEach(([start], i) => {
          expect(compareDates(sorted[i]![1], start), `${year.schoolYear} ${zone}`).toBeLessThan(0);
        });
      }
    }
  });

  it('keeps Toussaint, Noël and the summer common to the three zones', () => {
    for (const year of SCHOOL_YEARS) {
      for (const holiday of year.holidays.filter(
        (h) => h.kind === 'toussaint' || h.kind === 'noel' || h.kind === 'ete',
      )) {
        expect(holiday.zones, `${year.schoolYear} ${holiday.kind}`).toEqual(['A', 'B', 'C']);
      }
    }
  });

  it('is frozen, so no caller changes it for the others', () => {
    expect(Object.isFrozen(SCHOOL_YEARS)).toBe(true);
    expect(Object.isFrozen(SCHOOL_YEARS[0]!.holidays[0])).toBe(true);
    expect(Object.isFrozen(SCHOOL_HOLIDAY_COVERAGE)).toBe(true);
  });
});
