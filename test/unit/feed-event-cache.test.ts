import { describe, expect, it } from 'vitest';
import { calendarEvent, type MeetingIcsInput } from '../../documents/ics/meeting-ics.js';
import { FeedEventCache } from '../../server/feed-event-cache.js';

const meeting = (n: number): MeetingIcsInput => ({
  method: 'REQUEST',
  uid: `meeting-${n}@concerto`,
  sequence: 0,
  dtstamp: new Date('2026-05-01T08:00:00Z'),
  title: `COTECH n° ${n}`,
  startsAt: new Date(Date.UTC(2026, 5, 1 + n, 12)),
  endsAt: new Date(Date.UTC(2026, 5, 1 + n, 14)),
  zone: 'Europe/Paris',
  instanceName: 'Comité technique (COTECH)',
  organizer: { name: 'Secrétariat', email: 'secretariat@example.org' },
  attendees: [],
  agenda: [{ position: 1, title: 'Avis sur la fiche 2.3' }],
  alarmMinutesBefore: null,
});

describe('the per-event cache of the feeds', () => {
  it('serves what calendarEvent writes, and writes again whatever changed, the ordre du jour included', () => {
    const cache = new FeedEventCache(10);
    expect(cache.text(meeting(1))).toBe(calendarEvent(meeting(1)));
    const moved = { ...meeting(1), sequence: 1, startsAt: new Date('2026-06-02T09:00:00Z') };
    expect(cache.text(moved)).toBe(calendarEvent(moved));
    const agenda = { ...moved, agenda: [...moved.agenda, { position: 2, title: 'Point ajouté' }] };
    expect(cache.text(agenda).replace(/\r\n /g, '')).toContain('2. Point ajouté');
    expect(cache.size).toBe(1);
  });

  it('keeps at most its capacity, dropping the least recently served', () => {
    const cache = new FeedEventCache(3);
    for (const n of [1, 2, 3]) cache.text(meeting(n));
    cache.text(meeting(1));
    cache.text(meeting(4));
    expect(cache.size).toBe(3);
    // 2 was dropped, 1 was kept: serving 1 again adds nothing, serving 2 pushes out 3.
    cache.text(meeting(1));
    expect(cache.size).toBe(3);
    cache.text(meeting(2));
    expect(cache.size).toBe(3);
  });
});
