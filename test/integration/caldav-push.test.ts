import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarAnswerReader } from '../../activities/caldav-answers.js';
import { CALDAV_UNREACHABLE, createCaldavPushActivities } from '../../activities/caldav-push.js';
import { caldavCalendar } from '../../infra/caldav/caldav-calendar.js';
import { passwordBox } from '../../infra/caldav/password-box.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore, type Store } from '../../store/index.js';
import type { RsvpRecorded } from '../../store/meetings/record-rsvp.js';
import { openTestDatabase } from '../helpers/database.js';
import { createTestMeeting } from '../helpers/meeting.js';
import { startRadicale, type RunningRadicale } from '../helpers/radicale.js';

const SECRET = 'caldav-test-secret-0123456789abcdef';
const passwords = passwordBox(SECRET);
const ALICE = { user: 'alice', password: 'mot-de-passe-alice' };

const basic = `Basic ${Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64')}`;

/** The object as the server has it now, read without the code under test. */
async function serverObject(href: string): Promise<{ status: number; ics: string; etag: string | null }> {
  const answer = await fetch(href, { headers: { authorization: basic } });
  return { status: answer.status, ics: await answer.text(), etag: answer.headers.get('etag') };
}

/** What a calendar app does when its user answers: the same object, their PARTSTAT changed. */
async function answerInApp(href: string, email: string, partstat: string, also: (ics: string) => string = (x) => x) {
  const { ics, etag } = await serverObject(href);
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  const answered = unfolded.replace(
    new RegExp(`^(ATTENDEE[^\\r\\n]*?)PARTSTAT=[A-Z-]+([^\\r\\n]*:mailto:${email.replace(/[.]/g, '\\.')})$`, 'im'),
    `$1PARTSTAT=${partstat}$2`,
  );
  expect(answered).not.toBe(unfolded);
  const put = await fetch(href, {
    method: 'PUT',
    headers: { authorization: basic, 'content-type': 'text/calendar', 'if-match': etag! },
    body: also(answered),
  });
  expect(put.status).toBeLessThan(300);
}

describe('CalDAV push to a real Radicale', () => {
  let radicale: RunningRadicale;
  let db: Database;
  let store: Store;
  let collection: string;
  let meeting: Awaited<ReturnType<typeof createTestMeeting>>;
  let push: ReturnType<typeof createCaldavPushActivities>;
  const issuedAt = '2026-06-01T08:00:00.000Z';

  beforeAll(async () => {
    radicale = await startRadicale({ [ALICE.user]: ALICE.password });
    db = await openTestDatabase('pglite');
    store = createStore(db.prisma);
    collection = await radicale.makeCalendar(ALICE.user, ALICE.password);
    meeting = await createTestMeeting(db.prisma, { invitees: ['alice', 'bob'] });
    const alice = await db.prisma.person.findUniqueOrThrow({ where: { email: meeting.emails[0]! } });
    await store.calendars.link({
      owner: { personId: alice.id },
      url: collection,
      username: ALICE.user,
      sealedPassword: passwords.seal(ALICE.password),
      by: alice.email,
      at: new Date(),
    });
    push = createCaldavPushActivities({
      calendars: store.calendars,
      meetings: store.meetings,
      passwords,
      organizerEmail: 'concerto@example.org',
      timeoutMs: 3000,
    });
  }, 60_000);

  afterAll(async () => {
    await radicale?.close();
    await db?.close();
  });

  const event = async () => (await store.calendars.targets(meeting.meeting.id))[0]!.event!;

  it('creates the event with the invitation’s UID and SEQUENCE, without METHOD, and keeps its ETag', async () => {
    await push.pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 0, issuedAt, cancelled: false });
    const written = await event();
    const object = await serverObject(written.href);
    expect(object.status).toBe(200);
    expect(object.ics).toContain(`UID:${meeting.meeting.icalUid}`);
    expect(object.ics).toContain('SEQUENCE:0');
    expect(object.ics).not.toContain('METHOD:');
    expect(object.ics).toMatch(/DTSTART;TZID=Europe\/Paris:20260616T140000/);
    expect(written).toMatchObject({ sequence: 0, deleted: false, etag: object.etag });
    // Only Alice linked a calendar: Bob is an attendee in it, nothing is written for him.
    expect(await store.calendars.targets(meeting.meeting.id)).toHaveLength(1);
  });

  it('updates it in place on reschedule (same UID, SEQUENCE+1, If-Match on the kept ETag)', async () => {
    await db.prisma.meeting.update({
      where: { id: meeting.meeting.id },
      data: { sequence: 1, startsAt: new Date('2026-06-18T12:00:00Z'), endsAt: new Date('2026-06-18T15:00:00Z') },
    });
    const before = await event();
    await push.pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 1, issuedAt, cancelled: false });
    const after = await event();
    const object = await serverObject(after.href);
    expect(after.href).toBe(before.href);
    expect(object.ics).toContain(`UID:${meeting.meeting.icalUid}`);
    expect(object.ics).toContain('SEQUENCE:1');
    expect(object.ics).toMatch(/DTSTART;TZID=Europe\/Paris:20260618T140000/);
    expect(after.etag).toBe(object.etag);
    expect(after.etag).not.toBe(before.etag);
    // A retry of the same version writes nothing: the ETag stays.
    await push.pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 1, issuedAt, cancelled: false });
    expect((await serverObject(after.href)).etag).toBe(object.etag);
  });

  it('reads back the answer given in the calendar app, records it as a caldav RSVP, keeps the new ETag', async () => {
    const told: RsvpRecorded[] = [];
    const read = createCalendarAnswerReader({
      calendars: store.calendars,
      meetings: store.meetings,
      passwords,
      onRsvp: (rsvp) => {
        told.push(rsvp);
      },
      now: () => new Date('2026-06-02T08:00:00Z'),
    });
    const { href } = await event();
    await answerInApp(href, meeting.emails[0]!, 'ACCEPTED');
    const round = await read();
    expect(round.recorded.map((r) => [r.email, r.partstat, r.source])).toEqual([
      [meeting.emails[0], 'ACCEPTED', 'caldav'],
    ]);
    expect(told).toHaveLength(1);
    const invitation = await db.prisma.invitation.findFirstOrThrow({
      where: { meetingId: meeting.meeting.id, person: { email: meeting.emails[0]! } },
    });
    expect(invitation).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'caldav' });
    expect((await event()).etag).toBe((await serverObject(href)).etag);
    // Nothing moved since: the next round records nothing.
    expect((await read()).recorded).toEqual([]);
  });

  it('on 412 (edited in the app) reads the object again, keeps the answer on record, writes ours again', async () => {
    const { href, etag } = await event();
    // Alice declines in her app and retitles the event; Concerto has not read it yet.
    await answerInApp(href, meeting.emails[0]!, 'DECLINED', (ics) =>
      ics.replace(/^SUMMARY:.*$/m, 'SUMMARY:Mon titre à moi'),
    );
    expect((await serverObject(href)).etag).not.toBe(etag);
    // The write is conditional: on the ETag we hold, the server answers 412.
    const calendar = caldavCalendar({ url: collection, username: ALICE.user, password: ALICE.password });
    await expect(calendar.update(href, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', etag)).rejects.toMatchObject({
      kind: 'conflict',
      status: 412,
    });
    await db.prisma.meeting.update({ where: { id: meeting.meeting.id }, data: { sequence: 2, location: 'Niort' } });
    const { answers } = await push.pushMeetingToCalendars({
      meetingId: meeting.meeting.id,
      sequence: 2,
      issuedAt,
      cancelled: false,
    });
    const object = await serverObject(href);
    const unfolded = object.ics.replace(/\r\n[ \t]/g, '');
    // Ours again: SEQUENCE 2, the new place, our title.
    expect(unfolded).toContain('SEQUENCE:2');
    expect(unfolded).toContain('LOCATION:Niort');
    expect(unfolded).toContain('SUMMARY:COTECH de juin');
    // Her DECLINED answered version 1, since changed: refused as stale, like a late iMIP REPLY; her
    // answer on record (ACCEPTED, read back before) is what the object carries.
    expect(answers).toEqual([]);
    expect(unfolded).toMatch(new RegExp(`PARTSTAT=ACCEPTED[^\\r\\n]*mailto:${meeting.emails[0]}`, 'i'));
    expect((await event()).etag).toBe(object.etag);
  });

  it('on 412 with an answer to the version in her calendar, records it and writes ours with it', async () => {
    const { href } = await event();
    await answerInApp(href, meeting.emails[0]!, 'TENTATIVE');
    // A retry of version 2 whose first attempt wrote but could not record (the ETag we hold is old).
    await db.prisma.calendarEvent.updateMany({ where: { href }, data: { sequence: 1, etag: '"stale"' } });
    const { answers } = await push.pushMeetingToCalendars({
      meetingId: meeting.meeting.id,
      sequence: 2,
      issuedAt,
      cancelled: false,
    });
    expect(answers.map((a) => [a.email, a.partstat])).toEqual([[meeting.emails[0], 'TENTATIVE']]);
    const unfolded = (await serverObject(href)).ics.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toMatch(new RegExp(`PARTSTAT=TENTATIVE[^\\r\\n]*mailto:${meeting.emails[0]}`, 'i'));
  });

  it('a server that is down fails the attempt as retryable, records nothing; it goes through once back', async () => {
    await db.prisma.meeting.update({ where: { id: meeting.meeting.id }, data: { sequence: 3 } });
    await radicale.stop();
    try {
      const failure = await push
        .pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 3, issuedAt, cancelled: false })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: CALDAV_UNREACHABLE, nonRetryable: false });
      expect((failure as Error).message).toMatch(/ne répond pas/);
      expect((await event()).sequence).toBe(2);
    } finally {
      await radicale.start();
    }
    await push.pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 3, issuedAt, cancelled: false });
    expect((await event()).sequence).toBe(3);
  });

  it('a wrong app password is recorded at once, readable, and not retried', async () => {
    const other = await createTestMeeting(db.prisma, { invitees: ['carole'] });
    const carole = await db.prisma.person.findUniqueOrThrow({ where: { email: other.emails[0]! } });
    await store.calendars.link({
      owner: { personId: carole.id },
      url: collection,
      username: ALICE.user,
      sealedPassword: passwords.seal('pas le bon'),
      by: carole.email,
      at: new Date(),
    });
    await push.pushMeetingToCalendars({ meetingId: other.meeting.id, sequence: 0, issuedAt, cancelled: false });
    const link = await store.calendars.find({ personId: carole.id });
    expect(link?.lastError).toMatch(/refuse l’identifiant ou le mot de passe/);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'meeting.calendar_push_failed', subject: `meeting:${other.meeting.id}` },
    });
    expect(JSON.stringify(audit.details)).toContain(collection);
  });

  it('removes the event on cancel, with If-Match, even after an edit in the app', async () => {
    const { href } = await event();
    await answerInApp(href, meeting.emails[0]!, 'ACCEPTED');
    await db.prisma.meeting.update({ where: { id: meeting.meeting.id }, data: { sequence: 4, status: 'annulee' } });
    await push.pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 4, issuedAt, cancelled: true });
    expect((await serverObject(href)).status).toBe(404);
    expect(await event()).toMatchObject({ deleted: true, sequence: 4 });
    // Again (a retry): nothing left to do, no error.
    await push.pushMeetingToCalendars({ meetingId: meeting.meeting.id, sequence: 4, issuedAt, cancelled: true });
  });
});
