import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  compareDates,
  dateKey,
  formatFrench,
  formatFrenchDate,
  isValidDate,
  parseDateKey,
  shiftDate,
  weekdayOf,
  type LocalDate,
} from '../../domain/paris-time.js';

/** The calendar-day helpers of domain/paris-time, cross-checked against Luxon. */

const SEED = Number(process.env.FC_SEED ?? 20250222);

const localDate = fc
  .date({ min: new Date('1600-01-01T00:00:00Z'), max: new Date('2400-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d): LocalDate => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }));

const luxon = (day: LocalDate) => DateTime.fromObject(day, { zone: 'UTC' });

describe('calendar-day helpers', () => {
  it('agree with Luxon on weekdays, shifts, order and keys', () => {
    fc.assert(
      fc.property(localDate, localDate, fc.integer({ min: -4000, max: 4000 }), (a, b, days) => {
        expect(weekdayOf(a)).toBe(luxon(a).weekday);
        expect(dateKey(shiftDate(a, days))).toBe(luxon(a).plus({ days }).toISODate());
        expect(Math.sign(compareDates(a, b))).toBe(Math.sign(luxon(a).toMillis() - luxon(b).toMillis()));
        expect(parseDateKey(dateKey(a))).toEqual(a);
        expect(isValidDate(a)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('refuses days the calendar lacks', () => {
    expect(isValidDate({ year: 2024, month: 2, day: 29 })).toBe(true);
    expect(isValidDate({ year: 2025, month: 2, day: 29 })).toBe(false);
    expect(isValidDate({ year: 2025, month: 0, day: 1 })).toBe(false);
    expect(isValidDate({ year: 2025, month: 1.5, day: 1 })).toBe(false);
    expect(() => parseDateKey('2025-02-29')).toThrow(RangeError);
    expect(() => parseDateKey('2025-2-3')).toThrow(RangeError);
  });

  it('writes a day in French as formatFrench writes an instant on it', () => {
    expect(formatFrenchDate({ year: 2025, month: 2, day: 22 })).toBe('samedi 22 février 2025');
    expect(formatFrenchDate({ year: 2025, month: 5, day: 1 })).toBe('jeudi 1er mai 2025');
    expect(formatFrenchDate({ year: 2025, month: 5, day: 1 }, { withWeekday: false })).toBe('1er mai 2025');
    expect(formatFrenchDate({ year: 2024, month: 3, day: 31 })).toBe(formatFrench(new Date('2024-03-31T10:00:00Z')));
  });
});
