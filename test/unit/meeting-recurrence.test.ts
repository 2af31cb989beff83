import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calendarOfYear,
  meetingsOfYear,
  nthWeekday,
  parseMeetingRule,
  WEEKDAYS,
  type MeetingRule,
} from '../../domain/meeting-recurrence.js';
import { dateKey, weekdayOf } from '../../domain/paris-time.js';
import { publicHolidayOn } from '../../domain/public-holidays.js';
import { domainError } from '../helpers/domain-error.js';

const COTECH: MeetingRule = {
  instance: 'cotech',
  frequency: { every: 'quarter', firstMonth: 1 },
  weekday: 'mardi',
  nth: 1,
  time: '14:00',
  durationMinutes: 180,
};

describe('recurring meetings', () => {
  it('gives the COTECH every quarter on the first Tuesday at 14:00', () => {
    const meetings = meetingsOfYear(COTECH, 2024, 'A');
    expect(meetings.map((m) => dateKey(m.day))).toEqual(['2024-01-02', '2024-04-02', '2024-07-02', '2024-10-01']);
    expect(meetings.every((m) => m.hour === 14 && m.minute === 0)).toBe(true);
    expect(meetings.map((m) => m.key)).toEqual([
      'cotech-2024-01-02',
      'cotech-2024-04-02',
      'cotech-2024-07-02',
      'cotech-2024-10-01',
    ]);
  });

  it('moves a meeting off a public holiday to the next open day, and says so', () => {
    // The first Monday of April 2024 is Easter Monday (1 April).
    const [april] = meetingsOfYear(
      { ...COTECH, frequency: { every: 'months', months: [4] }, weekday: 'lundi' },
      2024,
      'A',
    );
    expect(dateKey(april!.ruleDay)).toBe('2024-04-01');
    expect(dateKey(april!.day)).toBe('2024-04-02');
    expect(april!.notes[0]).toMatch(/Reportée du 2024-04-01 au 2024-04-02 : jour férié/);
  });

  it('warns about school holidays of the zone without moving the meeting', () => {
    // Zone A, winter 2024: 17 February – 4 March.
    const [february] = meetingsOfYear({ ...COTECH, frequency: { every: 'months', months: [2] }, nth: 4 }, 2024, 'A');
    expect(dateKey(february!.day)).toBe('2024-02-27');
    expect(february!.notes.join(' ')).toMatch(/vacances/i);
  });

  it('skips the months a rule leaves out, and lists several rules by day', () => {
    const monthly: MeetingRule = {
      instance: 'gtt-1',
      frequency: { every: 'month' },
      weekday: 'jeudi',
      nth: -1,
      time: '09:30',
      durationMinutes: 120,
      skipMonths: [8],
    };
    expect(meetingsOfYear(monthly, 2024, null)).toHaveLength(11);
    const all = calendarOfYear([COTECH, monthly], 2024, null);
    expect(all).toHaveLength(15);
    expect(all.map((m) => dateKey(m.day))).toEqual([...all.map((m) => dateKey(m.day))].sort());
  });

  it('finds the nth and the last weekday of any month (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(...WEEKDAYS),
        fc.constantFrom(1, 2, 3, 4, -1 as const),
        (year, month, weekday, nth) => {
          const day = nthWeekday(year, month, weekday, nth as MeetingRule['nth']);
          expect(day.month).toBe(month);
          expect(weekdayOf(day)).toBe(WEEKDAYS.indexOf(weekday) + 1);
          if (nth === -1) expect(day.day).toBeGreaterThan(21);
          else expect(Math.ceil(day.day / 7)).toBe(nth);
        },
      ),
    );
  });

  it('never holds a generated meeting on a weekend or a public holiday (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2023, max: 2027 }),
        fc.constantFrom(...WEEKDAYS),
        fc.constantFrom(1, 2, 3, 4, -1 as const),
        (year, weekday, nth) => {
          for (const meeting of meetingsOfYear(
            { ...COTECH, frequency: { every: 'month' }, weekday, nth: nth as MeetingRule['nth'] },
            year,
            null,
          )) {
            expect(weekdayOf(meeting.day)).toBeLessThan(6);
            expect(publicHolidayOn(meeting.day)).toBeNull();
          }
        },
      ),
    );
  });

  it('refuses a malformed rule with French field errors', () => {
    const error = domainError(() => parseMeetingRule({ ...COTECH, weekday: 'samedi', time: '25:00' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues?.map((i) => i.field).sort()).toEqual(['time', 'weekday']);
  });
});
