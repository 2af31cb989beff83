import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ConventionSetup } from '../../domain/convention-setup.js';
import { parseConventionSetup } from '../../domain/convention-setup.js';
import {
  compareDates,
  formatFrenchDate,
  parseDateKey,
  shiftDate,
  toLocal,
  weekdayOf,
} from '../../domain/paris-time.js';
import { publicHolidayOn } from '../../domain/public-holidays.js';
import { DEMO_SETUP_PATH } from '../../store/conventions/load-demo.js';
import { moveReferenceYear, referenceDays, referenceShiftWeeks } from '../helpers/reference-year.js';

const ZONE = 'Europe/Paris';
const demo = async () => JSON.parse(await readFile(DEMO_SETUP_PATH, 'utf8')) as ConventionSetup;

describe('the reference year moved by whole weeks (test helper)', () => {
  it('takes the fewest weeks past the margin, skipping a move onto a public holiday', () => {
    // 2024-01-19 + 153 weeks is 2026-12-25 (Noël), + 154 is 2027-01-01 (Jour de l’an), + 155 is 2027-01-08.
    expect(publicHolidayOn(shiftDate(parseDateKey('2024-01-19'), 7 * 153))).not.toBeNull();
    expect(referenceShiftWeeks([parseDateKey('2024-01-19')], parseDateKey('2026-12-19'))).toBe(155);
    // Already past the margin: not moved at all.
    expect(referenceShiftWeeks([parseDateKey('2027-02-02')], parseDateKey('2026-12-19'))).toBe(0);
  });

  it(
    'moves the demo’s 2024 into one later year, weekdays and Paris hours ' +
      'kept, on no public holiday, and gives a file that still reads',
    async () => {
      const setup = await demo();
      const days = referenceDays(setup, 2024);
      const notBefore = parseDateKey('2026-12-19');
      const weeks = referenceShiftWeeks(days, notBefore);
      const moved = days.map((d) => shiftDate(d, 7 * weeks));
      expect(moved.every((d) => compareDates(d, notBefore) >= 0 && publicHolidayOn(d) === null)).toBe(true);
      // The fewest: one week less breaks one of the conditions.
      const earlier = days.map((d) => shiftDate(d, 7 * (weeks - 1)));
      expect(
        earlier.some(
          (d) => compareDates(d, notBefore) < 0 || publicHolidayOn(d) !== null || d.year !== earlier[0]!.year,
        ),
      ).toBe(true);

      const result = moveReferenceYear(setup, 2024, weeks);
      const year = moved[0]!.year;
      expect(result.milestones.filter((m) => m.key.endsWith('-2024')).map((m) => m.year)).toEqual(
        setup.milestones.filter((m) => m.key.endsWith('-2024')).map(() => year),
      );
      // The 2023 milestone is not the reference year's: it stays.
      expect(result.milestones.find((m) => m.year === 2023)).toEqual(setup.milestones.find((m) => m.year === 2023));
      for (const [index, poll] of result.polls.entries()) {
        poll.options.forEach((option, i) => {
          const before = toLocal(new Date(setup.polls[index]!.options[i]!.startsAt), ZONE);
          const after = toLocal(new Date(option.startsAt), ZONE);
          expect([after.weekday, after.hour, after.minute]).toEqual([before.weekday, before.hour, before.minute]);
          expect(weekdayOf(after)).toBe(weekdayOf(before));
          expect(option.label.startsWith(formatFrenchDate(after))).toBe(true);
        });
      }
      const journee = result.polls.find((p) => p.key === 'journee-plan-actions-2024')!;
      expect(journee.options.map((o) => o.label)).toEqual(
        ['2024-03-26', '2024-03-29'].map((d) => `${formatFrenchDate(shiftDate(parseDateKey(d), 7 * weeks))} (journée)`),
      );
      expect(journee.options.map((o) => o.label.split(' ')[0])).toEqual(['mardi', 'vendredi']);
      expect(() => parseConventionSetup(result)).not.toThrow();
    },
  );
});
