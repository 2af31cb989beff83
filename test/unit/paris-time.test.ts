import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ZONE,
  addLocalDays,
  anniversary,
  atLocalTime,
  dayAfterAt,
  durationUntil,
  formatFrench,
  fromLocal,
  localDateKey,
  nextLocalTime,
  toLocal,
  type LocalDateTime,
} from '../../domain/paris-time.js';
import { seededRandom } from '../helpers/seeded-random.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('toLocal', () => {
  it('reads winter time as UTC+1 and summer time as UTC+2', () => {
    expect(toLocal(at('2024-03-26T13:00:00Z'))).toEqual({
      year: 2024,
      month: 3,
      day: 26,
      hour: 14,
      minute: 0,
      weekday: 2,
      offsetMinutes: 60,
    });
    expect(toLocal(at('2024-07-14T08:30:00Z'))).toEqual({
      year: 2024,
      month: 7,
      day: 14,
      hour: 10,
      minute: 30,
      weekday: 7,
      offsetMinutes: 120,
    });
  });

  it('crosses midnight and the new year into the local day', () => {
    expect(toLocal('2023-12-31T23:30:00Z')).toMatchObject({
      year: 2024,
      month: 1,
      day: 1,
      hour: 0,
      minute: 30,
      weekday: 1,
    });
  });

  it('accepts ISO strings with an offset and refuses those without one', () => {
    expect(toLocal('2024-03-26T14:00:00+01:00')).toMatchObject({ day: 26, hour: 14 });
    expect(() => toLocal('2024-03-26T14:00:00')).toThrow(RangeError);
    expect(() => toLocal('2024-03-26')).toThrow(RangeError);
    expect(() => toLocal(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('shows the spring-forward jump and both occurrences of the fall-back hour', () => {
    expect(toLocal('2024-03-31T00:59:00Z')).toMatchObject({ hour: 1, minute: 59, offsetMinutes: 60 });
    expect(toLocal('2024-03-31T01:00:00Z')).toMatchObject({ hour: 3, minute: 0, offsetMinutes: 120 });
    expect(toLocal('2024-10-27T00:30:00Z')).toMatchObject({ hour: 2, minute: 30, offsetMinutes: 120 });
    expect(toLocal('2024-10-27T01:30:00Z')).toMatchObject({ hour: 2, minute: 30, offsetMinutes: 60 });
  });

  it('refuses an unknown zone', () => {
    expect(() => toLocal(at('2024-01-01T00:00:00Z'), 'Europe/Atlantis')).toThrow(RangeError);
  });

  it('agrees with Luxon on any instant, the same day asked again (offsets kept per day) or around a change', () => {
    const random = seededRandom(17);
    const zones = ['Europe/Paris', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Chatham'];
    const changes = ['2024-03-31T01:00:00Z', '2024-10-27T01:00:00Z', '2024-04-06T15:00:00Z', '2024-10-05T15:30:00Z'];
    for (let i = 0; i < 4000; i += 1) {
      const zone = zones[i % zones.length]!;
      const ms =
        i % 4 === 0
          ? Date.parse(changes[(i / 4) % changes.length]!) + Math.floor((random() - 0.5) * 4 * 3_600_000)
          : Date.UTC(1950, 0, 1) + Math.floor(random() * 150 * 365.25 * 86_400_000);
      const expected = DateTime.fromMillis(ms, { zone });
      expect(toLocal(new Date(ms), zone)).toMatchObject({
        year: expected.year,
        month: expected.month,
        day: expected.day,
        hour: expected.hour,
        minute: expected.minute,
        offsetMinutes: expected.offset,
      });
    }
  });
});

describe('fromLocal', () => {
  const local = (month: number, day: number, hour: number, minute = 0): LocalDateTime => ({
    year: 2024,
    month,
    day,
    hour,
    minute,
  });

  it('converts winter and summer wall-clock times', () => {
    expect(iso(fromLocal(local(1, 15, 9)))).toBe('2024-01-15T08:00:00.000Z');
    expect(iso(fromLocal(local(7, 15, 9)))).toBe('2024-07-15T07:00:00.000Z');
    expect(iso(fromLocal(local(3, 31, 1, 59)))).toBe('2024-03-31T00:59:00.000Z');
    expect(iso(fromLocal(local(3, 31, 3)))).toBe('2024-03-31T01:00:00.000Z');
  });

  it('moves a time skipped by the spring-forward gap forward by the gap: 02:30 → 03:30 CEST', () => {
    const instant = fromLocal(local(3, 31, 2, 30));
    expect(iso(instant)).toBe('2024-03-31T01:30:00.000Z');
    expect(toLocal(instant)).toMatchObject({ hour: 3, minute: 30, offsetMinutes: 120 });
    expect(iso(fromLocal(local(3, 31, 2, 0)))).toBe('2024-03-31T01:00:00.000Z');
  });

  it('takes the first (summer) occurrence of a time that happens twice on the fall-back day', () => {
    expect(iso(fromLocal(local(10, 27, 2, 30)))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(fromLocal(local(10, 27, 2, 0)))).toBe('2024-10-27T00:00:00.000Z');
    expect(iso(fromLocal(local(10, 27, 1, 59)))).toBe('2024-10-26T23:59:00.000Z');
    expect(iso(fromLocal(local(10, 27, 3, 0)))).toBe('2024-10-27T02:00:00.000Z');
  });

  it('refuses fields out of range', () => {
    expect(() => fromLocal(local(2, 30, 9))).toThrow(RangeError);
    expect(() => fromLocal(local(13, 1, 9))).toThrow(RangeError);
    expect(() => fromLocal(local(1, 1, 24))).toThrow(RangeError);
    expect(() => fromLocal(local(1, 1, 9, 60))).toThrow(RangeError);
    expect(() => fromLocal({ ...local(1, 1, 9), minute: 0.5 })).toThrow(RangeError);
  });

  it('atLocalTime is fromLocal for a day and a time', () => {
    expect(iso(atLocalTime({ year: 2024, month: 3, day: 29 }, 9))).toBe('2024-03-29T08:00:00.000Z');
    expect(iso(atLocalTime({ year: 2024, month: 3, day: 29 }, 18, 45))).toBe('2024-03-29T17:45:00.000Z');
  });
});

describe('addLocalDays', () => {
  it('keeps 09:00 across the spring-forward change (a 23-hour day)', () => {
    expect(iso(addLocalDays(at('2024-03-30T09:00:00+01:00'), 1))).toBe('2024-03-31T07:00:00.000Z');
  });

  it('keeps 09:00 across the fall-back change (a 25-hour day)', () => {
    expect(iso(addLocalDays(at('2024-10-26T09:00:00+02:00'), 1))).toBe('2024-10-27T08:00:00.000Z');
  });

  it('goes back with negative days and spans months, keeping seconds', () => {
    expect(iso(addLocalDays(at('2024-04-02T07:00:00Z'), -7))).toBe('2024-03-26T08:00:00.000Z');
    expect(iso(addLocalDays(at('2024-10-20T07:15:42.500Z'), 7))).toBe('2024-10-27T08:15:42.500Z');
  });

  it('lands in the gap forward and in the overlap on the first occurrence; 0 days changes nothing', () => {
    expect(iso(addLocalDays(at('2024-03-30T02:30:00+01:00'), 1))).toBe('2024-03-31T01:30:00.000Z');
    expect(iso(addLocalDays(at('2024-10-28T02:30:00+01:00'), -1))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(addLocalDays(at('2024-10-27T01:30:00Z'), 0))).toBe('2024-10-27T01:30:00.000Z');
  });
});

describe('dayAfterAt', () => {
  it('schedules the day after an evening meeting held just before the spring-forward change', () => {
    expect(iso(dayAfterAt(at('2024-03-30T19:30:00+01:00'), 9))).toBe('2024-03-31T07:00:00.000Z');
  });

  it('schedules the day after an evening meeting held just before the fall-back change', () => {
    expect(iso(dayAfterAt(at('2024-10-26T20:00:00+02:00'), 9, 30))).toBe('2024-10-27T08:30:00.000Z');
  });

  it('uses the local day, not the UTC one, for a meeting ending after midnight UTC', () => {
    // 00:30 on 27 March in Paris is still 26 March in UTC: the day after is 28 March.
    expect(iso(dayAfterAt(at('2024-03-26T23:30:00Z'), 9))).toBe('2024-03-28T08:00:00.000Z');
  });
});

describe('nextLocalTime', () => {
  it('returns later the same day, or the next day when exactly at or past the time', () => {
    expect(iso(nextLocalTime(at('2024-03-26T07:59:59.999Z'), 9))).toBe('2024-03-26T08:00:00.000Z');
    expect(iso(nextLocalTime(at('2024-03-26T08:00:00Z'), 9))).toBe('2024-03-27T08:00:00.000Z');
    expect(iso(nextLocalTime(at('2024-03-26T08:00:00.001Z'), 9))).toBe('2024-03-27T08:00:00.000Z');
  });

  it('crosses both changes keeping the wall-clock time', () => {
    expect(iso(nextLocalTime(at('2024-03-30T09:00:00+01:00'), 9))).toBe('2024-03-31T07:00:00.000Z');
    expect(iso(nextLocalTime(at('2024-10-26T09:00:00+02:00'), 9))).toBe('2024-10-27T08:00:00.000Z');
  });

  it('fires once on the fall-back day: after the first 02:30, the next is the following day', () => {
    expect(iso(nextLocalTime(at('2024-10-27T00:00:00Z'), 2, 30))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(nextLocalTime(at('2024-10-27T00:30:00Z'), 2, 30))).toBe('2024-10-28T01:30:00.000Z');
  });

  it('maps a time in the gap forward', () => {
    expect(iso(nextLocalTime(at('2024-03-30T23:00:00Z'), 2, 30))).toBe('2024-03-31T01:30:00.000Z');
  });
});

describe('anniversary', () => {
  it('keeps the local date and time across years and offsets', () => {
    expect(iso(anniversary(at('2024-03-26T14:00:00+01:00'), 1))).toBe('2025-03-26T13:00:00.000Z');
    // 28 March 2024 is winter time, 28 March 2025 too, 28 March 2027 is summer time (change on the 28th).
    expect(iso(anniversary(at('2024-03-28T10:00:00+01:00'), 3))).toBe('2027-03-28T08:00:00.000Z');
    expect(iso(anniversary(at('2024-07-01T10:00:00+02:00'), -2))).toBe('2022-07-01T08:00:00.000Z');
  });

  it('moves 29 February to 28 February in a non-leap year, and keeps it in a leap year', () => {
    const validated = at('2024-02-29T10:00:00+01:00');
    expect(iso(anniversary(validated, 1))).toBe('2025-02-28T09:00:00.000Z');
    expect(iso(anniversary(validated, 4))).toBe('2028-02-29T09:00:00.000Z');
    expect(iso(anniversary(validated, 76))).toBe('2100-02-28T09:00:00.000Z');
  });

  it('uses the local date: 23:30 UTC on 28 February is 29 February in Paris', () => {
    expect(iso(anniversary(at('2024-02-28T23:30:00Z'), 1))).toBe('2025-02-27T23:30:00.000Z');
  });
});

describe('localDateKey', () => {
  it('gives the local day', () => {
    expect(localDateKey(at('2024-03-26T23:30:00Z'))).toBe('2024-03-27');
    expect(localDateKey(at('2024-03-26T22:59:59Z'))).toBe('2024-03-26');
    expect(localDateKey(at('2024-03-26T23:30:00Z'), 'UTC')).toBe('2024-03-26');
  });
});

describe('formatFrench', () => {
  it('formats the date as mails show it', () => {
    expect(formatFrench(at('2024-03-26T13:00:00Z'))).toBe('mardi 26 mars 2024');
    expect(formatFrench(at('2024-03-29T08:00:00Z'), DEFAULT_ZONE, { withTime: true })).toBe(
      'vendredi 29 mars 2024 à 09 h 00',
    );
    expect(formatFrench(at('2024-02-16T09:00:00Z'))).toBe('vendredi 16 février 2024');
    expect(formatFrench(at('2024-03-26T13:00:00Z'), DEFAULT_ZONE, { withTime: true })).toBe(
      'mardi 26 mars 2024 à 14 h 00',
    );
  });

  it('uses summer time, the local day, « 1er » and leaves the weekday out on request', () => {
    expect(formatFrench(at('2024-08-15T12:05:00Z'), DEFAULT_ZONE, { withTime: true })).toBe(
      'jeudi 15 août 2024 à 14 h 05',
    );
    expect(formatFrench(at('2024-06-30T22:30:00Z'), DEFAULT_ZONE, { withTime: true })).toBe(
      'lundi 1er juillet 2024 à 00 h 30',
    );
    expect(formatFrench(at('2024-12-01T10:00:00Z'), DEFAULT_ZONE, { withWeekday: false })).toBe('1er décembre 2024');
  });
});

describe('durationUntil', () => {
  it('is the milliseconds until the target, never negative', () => {
    expect(durationUntil(at('2024-03-30T08:00:00Z'), at('2024-03-31T07:00:00Z'))).toBe(23 * 3_600_000);
    expect(durationUntil(at('2024-03-31T07:00:00Z'), at('2024-03-30T08:00:00Z'))).toBe(0);
    expect(durationUntil(at('2024-03-31T07:00:00Z'), at('2024-03-31T07:00:00Z'))).toBe(0);
  });
});

describe('another zone', () => {
  it('New York has its own changes (10 March and 3 November 2024)', () => {
    const zone = 'America/New_York';
    expect(toLocal(at('2024-01-15T14:00:00Z'), zone)).toMatchObject({ hour: 9, offsetMinutes: -300 });
    expect(toLocal(at('2024-07-15T13:00:00Z'), zone)).toMatchObject({ hour: 9, offsetMinutes: -240 });
    expect(iso(fromLocal({ year: 2024, month: 3, day: 10, hour: 2, minute: 30 }, zone))).toBe(
      '2024-03-10T07:30:00.000Z',
    );
    expect(iso(fromLocal({ year: 2024, month: 11, day: 3, hour: 1, minute: 30 }, zone))).toBe(
      '2024-11-03T05:30:00.000Z',
    );
    expect(iso(addLocalDays(at('2024-03-09T09:00:00-05:00'), 1, zone))).toBe('2024-03-10T13:00:00.000Z');
    // Paris has not changed yet on 10 March: the same instants there are an hour apart from New York's.
    expect(iso(addLocalDays(at('2024-03-09T09:00:00+01:00'), 1))).toBe('2024-03-10T08:00:00.000Z');
  });

  it('Nouméa (New Caledonia) is UTC+11 all year', () => {
    const zone = 'Pacific/Noumea';
    expect(toLocal(at('2024-03-31T01:30:00Z'), zone)).toMatchObject({
      day: 31,
      hour: 12,
      minute: 30,
      offsetMinutes: 660,
    });
    expect(iso(dayAfterAt(at('2024-10-26T20:00:00Z'), 9, 0, zone))).toBe('2024-10-27T22:00:00.000Z');
    expect(formatFrench(at('2024-03-26T13:00:00Z'), zone, { withTime: true })).toBe('mercredi 27 mars 2024 à 00 h 00');
    expect(localDateKey(at('2024-03-26T13:00:00Z'), zone)).toBe('2024-03-27');
  });
});

describe('cross-check against Luxon', () => {
  const start = Date.UTC(2023, 0, 1);
  const end = Date.UTC(2031, 0, 1);
  const zones = [DEFAULT_ZONE, 'America/New_York', 'Pacific/Noumea', 'Australia/Lord_Howe'];

  /** Luxon's earliest instant for a wall-clock time: the first occurrence, or the gap moved forward. */
  function luxonFromLocal(local: LocalDateTime, zone: string): number {
    const possible = DateTime.fromObject(local, { zone }).getPossibleOffsets();
    return Math.min(...possible.map((dt) => dt.toMillis()));
  }

  it.each(zones)('agrees on %s for 3000 random instants and wall-clock times', (zone) => {
    const next = seededRandom(0xc0ffee);
    for (let i = 0; i < 3000; i++) {
      const instant = new Date(start + Math.floor((next() * (end - start)) / 60_000) * 60_000);
      const luxon = DateTime.fromJSDate(instant, { zone });
      const local = toLocal(instant, zone);
      expect(local).toEqual({
        year: luxon.year,
        month: luxon.month,
        day: luxon.day,
        hour: luxon.hour,
        minute: luxon.minute,
        weekday: luxon.weekday,
        offsetMinutes: luxon.offset,
      });
      const wall: LocalDateTime = {
        year: local.year,
        month: local.month,
        day: local.day,
        hour: local.hour,
        minute: local.minute,
      };
      expect(fromLocal(wall, zone).getTime()).toBe(luxonFromLocal(wall, zone));
      expect(localDateKey(instant, zone)).toBe(luxon.toISODate());

      const days = Math.floor(next() * 800) - 400;
      const target = luxon.plus({ days });
      // Luxon keeps the original offset in an overlap; this module takes the first occurrence.
      if (target.getPossibleOffsets().length === 1) {
        expect(addLocalDays(instant, days, zone).getTime()).toBe(target.toMillis());
      }
      const years = Math.floor(next() * 10) - 3;
      const later = luxon.plus({ years });
      if (later.getPossibleOffsets().length === 1) {
        expect(anniversary(instant, years, zone).getTime()).toBe(later.toMillis());
      }
      if (local.day !== 1) {
        expect(formatFrench(instant, zone, { withTime: true })).toBe(
          luxon.setLocale('fr').toFormat("cccc d LLLL yyyy 'à' HH 'h' mm"),
        );
      }
    }
  });

  it.each(zones)('agrees on %s for every quarter hour around each change of offset', (zone) => {
    let checked = 0;
    for (let year = 2023; year <= 2030; year++) {
      for (let day = 0; day < 366; day++) {
        const midnight = DateTime.fromObject({ year }, { zone }).plus({ days: day });
        if (midnight.year !== year || midnight.isInDST === midnight.plus({ days: 1 }).isInDST) continue;
        for (let quarter = 0; quarter < 96; quarter++) {
          const wall: LocalDateTime = {
            year: midnight.year,
            month: midnight.month,
            day: midnight.day,
            hour: Math.floor(quarter / 4),
            minute: (quarter % 4) * 15,
          };
          expect(fromLocal(wall, zone).getTime(), JSON.stringify(wall)).toBe(luxonFromLocal(wall, zone));
          checked++;
        }
      }
    }
    expect(checked).toBe(zone === 'Pacific/Noumea' ? 0 : 8 * 2 * 96);
  });
});
