import { describe, expect, it } from 'vitest';
import { checkMeetingDate, nextOpenDay } from '../../domain/calendar-checks.js';
import { DomainError } from '../../domain/errors.js';
import { dateKey, parseDateKey } from '../../domain/paris-time.js';
import type { Zone } from '../../domain/school-holidays.js';

const day = parseDateKey;

describe('checkMeetingDate', () => {
  it('accepts an ordinary weekday without a word', () => {
    expect(checkMeetingDate(day('2024-03-26'), 'A')).toEqual({ warnings: [] });
  });

  it('blocks weekends and public holidays, the holiday named first', () => {
    expect(checkMeetingDate(day('2024-03-30'), 'A')).toEqual({ blocked: 'samedi', warnings: [] });
    expect(checkMeetingDate(day('2024-03-31'), 'A').blocked).toBe('dimanche');
    expect(checkMeetingDate(day('2024-04-01'), 'A').blocked).toBe('Lundi de Pâques (jour férié)');
    expect(checkMeetingDate(day('2024-05-09'), 'A').blocked).toBe('Ascension (jour férié)');
    expect(checkMeetingDate(day('2022-05-01'), 'A').blocked).toBe('Fête du Travail (jour férié)'); // a Sunday
  });

  it('warns about the zone’s school holidays, in French, without blocking', () => {
    expect(checkMeetingDate(day('2025-02-25'), 'A')).toEqual({
      warnings: [
        'Vacances d’hiver (zone A), du samedi 22 février 2025 à la reprise des ' +
          'cours le lundi 10 mars 2025 : des participants risquent d’être absents.',
      ],
    });
    expect(checkMeetingDate(day('2025-02-25'), 'B')).toEqual({ warnings: [] });
    expect(checkMeetingDate(day('2024-11-01'), 'A')).toMatchObject({
      blocked: 'Toussaint (jour férié)',
      warnings: [expect.stringMatching(/^Vacances de la Toussaint/)],
    });
  });

  it('says when a holiday’s dates are not verified yet', () => {
    const [warning] = checkMeetingDate(day('2027-02-16'), 'A').warnings;
    expect(warning).toMatch(
      /^Vacances d’hiver \(zone A\), du samedi 13 février 2027 à la reprise des cours le lundi 1er mars 2027/,
    );
    expect(warning).toMatch(/Dates à confirmer : le calendrier scolaire 2026-2027/);
  });

  it('warns, rather than fails, beyond the school-holiday data; no zone, no school warning', () => {
    expect(checkMeetingDate(day('2030-02-19'), 'A')).toEqual({
      warnings: [
        'Les vacances scolaires de la zone A ne sont pas connues pour le mardi 19 février 2030 ' +
          '(seulement de 2022-2023 à 2027-2028) : vérifiez-les avant de retenir cette date.',
      ],
    });
    expect(checkMeetingDate(day('2030-12-25'), null)).toEqual({ blocked: 'Noël (jour férié)', warnings: [] });
    expect(checkMeetingDate(day('2025-02-25'), null)).toEqual({ warnings: [] });
  });

  it('refuses an unknown zone and a day the calendar lacks', () => {
    expect(() => checkMeetingDate(day('2025-02-25'), 'Z' as Zone)).toThrow(DomainError);
    expect(() => checkMeetingDate({ year: 2025, month: 13, day: 1 }, 'A')).toThrow(/n’existe pas/);
  });
});

describe('nextOpenDay', () => {
  it('keeps an open day and skips weekends and public holidays', () => {
    expect(dateKey(nextOpenDay(day('2024-03-26'), 'A').date)).toBe('2024-03-26');
    expect(dateKey(nextOpenDay(day('2024-03-29'), 'A').date)).toBe('2024-03-29');
    expect(dateKey(nextOpenDay(day('2024-03-30'), 'A').date)).toBe('2024-04-02'); // Saturday, Easter, lundi de Pâques
    expect(dateKey(nextOpenDay(day('2025-12-25'), 'A').date)).toBe('2025-12-26');
    expect(dateKey(nextOpenDay(day('2026-05-14'), 'A').date)).toBe('2026-05-15'); // Ascension, then a Friday
    expect(dateKey(nextOpenDay(day('2023-12-30'), null).date)).toBe('2024-01-02'); // weekend, then 1er janvier
  });

  it('carries the school-holiday warnings of the day it lands on', () => {
    const open = nextOpenDay(day('2024-10-19'), 'A');
    expect(dateKey(open.date)).toBe('2024-10-21');
    expect(open.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^Vacances de la Toussaint \(zone A\), du samedi 19 ` +
            String.raw`octobre 2024 à la reprise des cours le lundi 4 novembre 2024`,
        ),
      ),
    ]);
  });
});
