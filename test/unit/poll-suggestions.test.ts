import { describe, expect, it } from 'vitest';
import type { InstanceMeetingRule } from '../../domain/meeting-recurrence.js';
import { weekdayOf, parseDateKey } from '../../domain/paris-time.js';
import {
  assertConvocationDelayAfterDeadline,
  assertDeadline,
  checkProposedDates,
  optionTimes,
} from '../../domain/poll-rules.js';
import { suggestedDeadline, suggestPollDates } from '../../domain/poll-suggestions.js';

const ZONE = 'Europe/Paris';
const TUESDAYS: InstanceMeetingRule = {
  frequency: { every: 'quarter', firstMonth: 1 },
  weekday: 'mardi',
  nth: 1,
  time: '14:00',
  durationMinutes: 180,
};

describe('suggestPollDates', () => {
  it('follows the instance’s rule: its weekday and times, past the delay, the public holiday left out', () => {
    // Convened on Monday 27 October 2025 at noon with 7 jours francs: Tuesday 4 November at the
    // earliest; Tuesday 11 November is the Armistice.
    const deadline = new Date('2025-10-27T12:00:00+01:00');
    const suggested = suggestPollDates({
      deadline,
      delayDays: 7,
      zone: ZONE,
      schoolZone: 'A',
      rule: TUESDAYS,
      count: 3,
    });
    expect(suggested.map((s) => s.option)).toEqual(
      ['2025-11-04', '2025-11-18', '2025-11-25'].map((date) => ({
        kind: 'creneau',
        date,
        start: '14:00',
        end: '17:00',
      })),
    );
    expect(suggested[0]).toMatchObject({ label: 'mardi 4 novembre 2025, de 14 h 00 à 17 h 00', warnings: [] });
  });

  it('puts the school holidays last, and skips the rule’s months off', () => {
    // Zone A's Christmas holidays run from 20 December 2025 to 5 January 2026.
    const deadline = new Date('2025-12-10T12:00:00+01:00');
    const two = suggestPollDates({ deadline, delayDays: 7, zone: ZONE, schoolZone: 'A', rule: TUESDAYS, count: 2 });
    expect(two.map((s) => s.option.date)).toEqual(['2026-01-06', '2026-01-13']);
    // Asked for more than the clear days of the next four months: the holidays' Tuesdays too, in order.
    const all = suggestPollDates({ deadline, delayDays: 7, zone: ZONE, schoolZone: 'A', rule: TUESDAYS, count: 40 });
    expect(all.slice(0, 3).map((s) => s.option.date)).toEqual(['2025-12-23', '2025-12-30', '2026-01-06']);
    expect(all[0]!.warnings.join(' ')).toMatch(/Noël \(zone A\)/);
    expect(all[2]!.warnings).toEqual([]);
    const noJanuary = suggestPollDates({
      deadline,
      delayDays: 7,
      zone: ZONE,
      schoolZone: null,
      rule: { ...TUESDAYS, skipMonths: [1] },
      count: 3,
    });
    expect(noJanuary.map((s) => s.option.date)).toEqual(['2025-12-23', '2025-12-30', '2026-02-03']);
  });

  it('without a rule: open days at 14:00–16:00, each passing the checks a poll’s dates pass', () => {
    const now = new Date('2026-04-28T10:00:00+02:00');
    const deadline = suggestedDeadline(now, ZONE);
    // A week on is Tuesday 5 May; noon.
    expect(deadline.toISOString()).toBe('2026-05-05T10:00:00.000Z');
    const suggested = suggestPollDates({ deadline, delayDays: 14, zone: ZONE, schoolZone: 'B', rule: null, count: 8 });
    expect(suggested).toHaveLength(8);
    for (const s of suggested) expect(weekdayOf(parseDateKey(s.option.date))).toBeLessThan(6);
    // Thursday 14 May 2026 is Ascension, Monday 25 May Whit Monday.
    expect(suggested.map((s) => s.option.date)).not.toContain('2026-05-25');
    const placed = suggested.map((s) => optionTimes(s.option, ZONE));
    expect(() => checkProposedDates(placed, ZONE, 'B')).not.toThrow();
    expect(() => assertDeadline(deadline, placed, now, ZONE)).not.toThrow();
    expect(() => assertConvocationDelayAfterDeadline(placed, deadline, 14, ZONE)).not.toThrow();
    expect(suggested[0]!.option).toMatchObject({ start: '14:00', end: '16:00' });
  });
});
