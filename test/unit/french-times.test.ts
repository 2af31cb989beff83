import { describe, expect, it } from 'vitest';
import { frenchClock, frenchDateTime, frenchMeetingTimes, zoneText } from '../../domain/french-times.js';
import { frenchInstant, frenchMeetingWhen, frenchTime } from '../../server/pages/format.js';

const at = (iso: string) => new Date(iso);
const PARIS = 'Europe/Paris';

describe('dates as people write them (pages) and as mails write them', () => {
  it('writes the hour alone when the minutes are zero, the minutes otherwise, in Paris time', () => {
    // 26 March 2026: Paris is on summer time (UTC+2) since the 29th only, so 13:00Z is 14 h.
    expect(frenchInstant('2026-03-26T13:00:00Z')).toBe('jeudi 26 mars 2026, 14 h');
    expect(frenchInstant(at('2026-03-26T13:30:00Z'))).toBe('jeudi 26 mars 2026, 14 h 30');
    expect(frenchInstant('2026-04-01T07:05:00Z')).toBe('mercredi 1er avril 2026, 9 h 05');
    expect(frenchInstant('2026-06-30T22:00:00Z')).toBe('mercredi 1er juillet 2026, 0 h');
    expect(frenchTime(at('2026-07-01T07:30:00Z'))).toBe('9 h 30');
    expect(frenchInstant('2026-03-26T13:00:00Z', 'America/Cayenne')).toBe('jeudi 26 mars 2026, 10 h');
  });

  it('keeps the mails’ padded clock', () => {
    expect(frenchClock(at('2026-07-01T07:00:00Z'), PARIS, 'padded')).toBe('09 h 00');
    expect(frenchClock(at('2026-07-01T07:00:00Z'), PARIS, 'spoken')).toBe('9 h');
    expect(frenchDateTime(at('2026-07-01T07:00:00Z'), PARIS, 'padded')).toBe('mercredi 1er juillet 2026 à 09 h 00');
  });

  it('writes a meeting’s times on one day or across days, with its zone on the pages', () => {
    const [start, end] = [at('2026-06-16T12:00:00Z'), at('2026-06-16T15:30:00Z')];
    expect(frenchMeetingTimes(start, end, PARIS)).toBe('mardi 16 juin 2026, de 14 h 00 à 17 h 30');
    expect(frenchMeetingWhen(start, end)).toBe('mardi 16 juin 2026, de 14 h à 17 h 30 (heure de Paris)');
    expect(frenchMeetingWhen(start, at('2026-06-17T10:00:00Z'), PARIS)).toBe(
      'du mardi 16 juin 2026, 14 h au mercredi 17 juin 2026, 12 h (heure de Paris)',
    );
    expect(zoneText('America/Cayenne')).toBe('fuseau America/Cayenne');
    expect(() => frenchMeetingTimes(end, start, PARIS)).toThrow(RangeError);
  });
});
