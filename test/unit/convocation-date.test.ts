import { describe, expect, it } from 'vitest';
import { previousWorkingDay } from '../../domain/calendar-checks.js';
import {
  assertConvocationDate,
  checkConvocationDate,
  convocationDateOutcome,
  type ConvocationDate,
} from '../../domain/convocation-date.js';
import { reminderTimes } from '../../domain/meeting-rules.js';
import { atLocalTime, dateKey, parseDateKey } from '../../domain/paris-time.js';
import { domainError } from '../helpers/domain-error.js';

const ZONE = 'Europe/Paris';
const at = (key: string, hour: number, minute = 0) => atLocalTime(parseDateKey(key), hour, minute, ZONE);
const back = (key: string) => dateKey(previousWorkingDay(parseDateKey(key)));

describe('previousWorkingDay', () => {
  it('keeps a working day', () => {
    expect(back('2026-05-13')).toBe('2026-05-13');
  });

  it('goes back over weekends and public holidays, however many in a row', () => {
    expect(back('2026-05-16')).toBe('2026-05-15'); // Saturday → Friday
    expect(back('2026-05-14')).toBe('2026-05-13'); // Ascension (Thursday) → Wednesday
    expect(back('2026-05-17')).toBe('2026-05-15'); // the Sunday after Ascension → Friday
    expect(back('2026-05-25')).toBe('2026-05-22'); // Lundi de Pentecôte, then the weekend → Friday
    expect(back('2026-04-06')).toBe('2026-04-03'); // Lundi de Pâques
    expect(back('2027-01-03')).toBe('2026-12-31'); // Sunday, Saturday, Jour de l’an (Friday) → Thursday
  });
});

describe('reminderTimes', () => {
  // A Tuesday meeting after the Pentecost weekend: its J-1 falls on the Monday, a public holiday.
  const meeting = at('2026-05-26', 14);
  const now = at('2026-05-01', 12);

  it('at J-n 09:00 local time, as before, without working days', () => {
    expect(reminderTimes(meeting, [7, 1], 9, ZONE, now)).toEqual([
      { at: at('2026-05-19', 9), daysBefore: 7, daysAhead: 7 },
      { at: at('2026-05-25', 9), daysBefore: 1, daysAhead: 1 },
    ]);
  });

  it('with working days, a reminder due on a day off goes on the working day before, saying how far ahead', () => {
    expect(reminderTimes(meeting, [7, 1], 9, ZONE, now, { workingDays: true })).toEqual([
      { at: at('2026-05-19', 9), daysBefore: 7, daysAhead: 7 },
      { at: at('2026-05-22', 9), daysBefore: 1, daysAhead: 4 },
    ]);
  });

  it('two reminders moved to the same day go once, as the nearer; a moved one already past is dropped', () => {
    // A Monday meeting: J-2 (Saturday) and J-1 (Sunday) both move to Friday.
    expect(reminderTimes(at('2026-05-18', 14), [2, 1], 9, ZONE, now, { workingDays: true })).toEqual([
      { at: at('2026-05-15', 9), daysBefore: 1, daysAhead: 3 },
    ]);
    expect(reminderTimes(meeting, [1], 9, ZONE, at('2026-05-22', 10), { workingDays: true })).toEqual([]);
  });
});

describe('the date of a meeting convened or moved by hand', () => {
  // The COTECH: 7 jours francs. Convened on Monday 4 May 2026: from Tuesday 12 May on.
  const date = (startsAt: Date): ConvocationDate => ({
    startsAt,
    convenedAt: at('2026-05-04', 10),
    delayDays: 7,
    zone: ZONE,
    schoolZone: 'A',
  });

  it('accepts a working day past the delay without a word', () => {
    expect(checkConvocationDate(date(at('2026-05-12', 14)))).toEqual({ breaches: [], warnings: [] });
    expect(assertConvocationDate(date(at('2026-05-12', 14)), undefined)).toEqual({ warnings: [] });
  });

  it('refuses a weekend or a public holiday, saying which, in French (NON_WORKING_DAY)', () => {
    const saturday = domainError(() => assertConvocationDate(date(at('2026-05-16', 14)), undefined));
    expect(saturday).toMatchObject({ code: 'NON_WORKING_DAY', field: 'startsAt' });
    expect(saturday.message).toMatch(/^Le samedi 16 mai 2026 tombe un jour sans réunion \(samedi\)\./);
    expect(saturday.message).toMatch(/motif de cette dérogation/);
    const ascension = domainError(() => assertConvocationDate(date(at('2026-05-14', 14)), undefined));
    expect(ascension.message).toMatch(/\(Ascension \(jour férié\)\)/);
  });

  it('refuses a date within the convocation delay (CONVOCATION_DELAY), and both rules at once', () => {
    const soon = domainError(() => assertConvocationDate(date(at('2026-05-11', 14)), undefined));
    expect(soon).toMatchObject({ code: 'CONVOCATION_DELAY', field: 'startsAt' });
    expect(soon.message).toMatch(/7 jours francs .* au plus tôt le mardi 12 mai 2026/);
    const both = domainError(() => assertConvocationDate(date(at('2026-05-09', 14)), undefined));
    expect(both.code).toBe('NON_WORKING_DAY');
    expect(both.issues?.map((i) => i.message)).toEqual([
      expect.stringMatching(/samedi/),
      expect.stringMatching(/jours francs/),
    ]);
  });

  it('holds such a date with an override, giving back its reason and the rules set aside', () => {
    expect(assertConvocationDate(date(at('2026-05-09', 14)), { reason: 'Séance extraordinaire' })).toEqual({
      warnings: [],
      overridden: {
        reason: 'Séance extraordinaire',
        breaches: [expect.stringMatching(/samedi/), expect.stringMatching(/jours francs/)],
      },
    });
    // Nothing to override: nothing recorded.
    expect(assertConvocationDate(date(at('2026-05-12', 14)), { reason: 'Par précaution' })).toEqual({ warnings: [] });
  });

  it('gives the outcome of a check without ever throwing, for a workflow handler replaying an older run', () => {
    const saturday = checkConvocationDate(date(at('2026-05-16', 14)));
    expect(convocationDateOutcome(saturday, undefined)).toEqual({ warnings: [] });
    expect(convocationDateOutcome(saturday, { reason: 'Exceptionnel' })).toEqual({
      warnings: [],
      overridden: { reason: 'Exceptionnel', breaches: [expect.stringMatching(/samedi/)] },
    });
  });

  it('refuses a date already past, override or not', () => {
    const past = domainError(() => assertConvocationDate(date(at('2026-05-04', 9)), { reason: 'Rattrapage' }));
    expect(past).toMatchObject({ code: 'INVALID_INPUT', field: 'startsAt' });
    expect(past.message).toMatch(/dans le futur/);
  });

  it('warns about the zone’s school holidays, as for a poll’s proposed dates, without refusing', () => {
    const spring = { ...date(at('2026-04-14', 14)), convenedAt: at('2026-03-02', 10) };
    expect(assertConvocationDate(spring, undefined).warnings).toEqual([
      expect.stringMatching(/^Vacances de printemps \(zone A\)/),
    ]);
    expect(assertConvocationDate({ ...spring, schoolZone: null }, undefined).warnings).toEqual([]);
  });
});
