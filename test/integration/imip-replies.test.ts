import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../store/database/open-database.js';
import { recordImipReplies } from '../../app/imip-replies.js';
import { startImipListener, type ImipListener } from '../../infra/smtp-in/imip-listener.js';
import { createStore } from '../../store/index.js';
import type { RsvpRecorded } from '../../store/meetings/record-rsvp.js';
import { openTestDatabase } from '../helpers/database.js';
import { createTestMeeting } from '../helpers/meeting.js';

const ORGANIZER = 'concerto@example.org';

/** A REPLY as Thunderbird writes it (folded to 75 octets, CRLF), for one attendee. */
function replyIcs(options: {
  uid: string;
  attendee: string;
  partstat: string;
  sequence?: number;
  method?: string;
}): string {
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN',
    'VERSION:2.0',
    `METHOD:${options.method ?? 'REPLY'}`,
    'BEGIN:VEVENT',
    'CREATED:20260601T080000Z',
    'DTSTAMP:20260601T100000Z',
    `UID:${options.uid}`,
    'SUMMARY:COTECH de juin',
    `ORGANIZER;CN=Concerto:mailto:${ORGANIZER}`,
    `ATTENDEE;RSVP=TRUE;CN=Membre;PARTSTAT=${options.partstat};ROLE=REQ-PARTICIPANT:`,
    ` ${options.attendee}`,
    'DTSTART;TZID=Europe/Paris:20260616T140000',
    'DTEND;TZID=Europe/Paris:20260616T170000',
    ...(options.sequence === undefined ? [] : [`SEQUENCE:${options.sequence}`]),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('calendar replies (iMIP) to the organizer address', () => {
  let db: Database;
  let listener: ImipListener;
  let smtp: Transporter;
  const told: RsvpRecorded[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    const log = (line: string) => logged.push(line);
    listener = await startImipListener({
      organizers: ['Concerto@Example.org'],
      onReply: recordImipReplies({
        meetings: createStore(db.prisma).meetings,
        onRsvp: (rsvp) => {
          told.push(rsvp);
        },
        log,
      }),
      log,
    });
    smtp = nodemailer.createTransport({ host: listener.host, port: listener.port, secure: false, ignoreTLS: true });
  });

  afterAll(async () => {
    smtp?.close();
    await listener?.close();
    await db?.close();
  });

  beforeEach(() => {
    told.length = 0;
    logged.length = 0;
  });

  const invitation = (meetingId: string, email: string) =>
    db.prisma.invitation.findFirstOrThrow({ where: { meetingId, person: { email } } });

  it(
    'takes a Thunderbird REPLY (text/calendar; method=REPLY, ' + 'with its .ics attachment) and changes the attendance',
    async () => {
      const { meeting, emails } = await createTestMeeting(db.prisma);
      const elue = emails[0]!;
      await db.prisma.notification.create({
        data: {
          idempotencyKey: `${meeting.id}:${elue}`,
          recipient: elue,
          subject: 'Convocation',
          messageId: '<c@x>',
          status: 'sent',
          icalUid: meeting.icalUid,
          icalSequence: 0,
          partstat: 'NEEDS-ACTION',
        },
      });

      const info = await smtp.sendMail({
        from: `Membre <${elue}>`,
        to: ORGANIZER,
        subject: 'Accepté : COTECH de juin',
        text: 'Membre a accepté votre invitation.',
        icalEvent: {
          method: 'REPLY',
          filename: 'invite.ics',
          content: replyIcs({ uid: meeting.icalUid, attendee: `mailto:${elue}`, partstat: 'ACCEPTED', sequence: 0 }),
        },
      });
      expect(info.accepted).toEqual([ORGANIZER]);

      expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'imip' });
      expect((await invitation(meeting.id, elue)).respondedAt).toBeInstanceOf(Date);
      expect(await invitation(meeting.id, emails[1]!)).toMatchObject({ partstat: 'NEEDS-ACTION' });
      expect(
        await db.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: `${meeting.id}:${elue}` } }),
      ).toMatchObject({ partstat: 'ACCEPTED' });
      expect(told).toEqual([
        expect.objectContaining({ meetingId: meeting.id, email: elue, partstat: 'ACCEPTED', source: 'imip' }),
      ]);
      const audited = await db.prisma.auditEvent.findMany({ where: { subject: `meeting:${meeting.id}` } });
      expect(audited.map((l) => [l.actor, l.action, l.details])).toEqual([
        [elue, 'meeting.rsvp', { partstat: 'ACCEPTED', source: 'imip' }],
      ]);
    },
  );

  it(
    'takes an Outlook REPLY: base64 text/calendar alternative ' + 'beside HTML, MAILTO and address in other capitals',
    async () => {
      const { meeting, emails } = await createTestMeeting(db.prisma, { sequence: 2 });
      const directrice = emails[1]!;
      await smtp.sendMail({
        from: directrice.toUpperCase(),
        to: ORGANIZER,
        subject: 'Refusé : COTECH de juin',
        text: 'Refusé',
        html: '<p>Refusé</p>',
        alternatives: [
          {
            contentType: 'text/calendar; charset="utf-8"; method=REPLY',
            contentTransferEncoding: 'base64',
            content: replyIcs({
              uid: meeting.icalUid,
              attendee: `MAILTO:${directrice.toUpperCase()}`,
              partstat: 'DECLINED',
              sequence: 2,
            }),
          },
        ],
      });
      expect(await invitation(meeting.id, directrice)).toMatchObject({ partstat: 'DECLINED', rsvpSource: 'imip' });
    },
  );

  it('ignores a REPLY whose attendee is not the sender, without an SMTP error', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const [elue, directrice] = emails as [string, string];
    const info = await smtp.sendMail({
      from: directrice,
      to: ORGANIZER,
      subject: 'Accepté : COTECH de juin',
      text: 'Accepté',
      icalEvent: {
        method: 'REPLY',
        content: replyIcs({ uid: meeting.icalUid, attendee: `mailto:${elue}`, partstat: 'DECLINED' }),
      },
    });
    expect(info.accepted).toEqual([ORGANIZER]);
    expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'NEEDS-ACTION', rsvpSource: null });
    expect(await invitation(meeting.id, directrice)).toMatchObject({ partstat: 'NEEDS-ACTION', rsvpSource: null });
    expect(told).toEqual([]);
    expect(logged.join('\n')).toContain(`no ATTENDEE is the sender ${directrice}`);
  });

  it('refuses a REPLY whose UID carries control or bidi characters before it reaches the store', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const [elue] = emails as [string];
    for (const uid of [`${meeting.icalUid}\u0001`, `${meeting.icalUid}\u202E`]) {
      const info = await smtp.sendMail({
        from: elue,
        to: ORGANIZER,
        subject: 'Accepté : COTECH de juin',
        text: 'Accepté',
        icalEvent: { method: 'REPLY', content: replyIcs({ uid, attendee: `mailto:${elue}`, partstat: 'ACCEPTED' }) },
      });
      expect(info.accepted).toEqual([ORGANIZER]);
    }
    expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'NEEDS-ACTION', rsvpSource: null });
    expect(told).toEqual([]);
    expect(logged.filter((line) => line.includes('REPLY refused: uid'))).toHaveLength(2);
  });

  it(
    'accepts and ignores mail that is no usable REPLY: plain text, ' +
      'another method, unknown UID, stale SEQUENCE, broken calendar',
    async () => {
      const { meeting, emails } = await createTestMeeting(db.prisma, { sequence: 3 });
      const elue = emails[0]!;
      const reply = (ics: string) =>
        smtp.sendMail({
          from: elue,
          to: ORGANIZER,
          subject: 'Réponse',
          text: 'Réponse',
          icalEvent: { method: 'REPLY', content: ics },
        });

      const plain = await smtp.sendMail({
        from: elue,
        to: ORGANIZER,
        subject: 'Re: Convocation COTECH',
        text: 'Je serai en retard de dix minutes.',
      });
      expect(plain.accepted).toEqual([ORGANIZER]);
      await reply(
        replyIcs({
          uid: meeting.icalUid,
          attendee: `mailto:${elue}`,
          partstat: 'ACCEPTED',
          method: 'REFRESH',
          sequence: 3,
        }),
      );
      await reply(replyIcs({ uid: 'unknown@elsewhere', attendee: `mailto:${elue}`, partstat: 'ACCEPTED' }));
      await reply(replyIcs({ uid: meeting.icalUid, attendee: `mailto:${elue}`, partstat: 'ACCEPTED', sequence: 2 }));
      await reply('BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nthis is not iCalendar\r\n');

      expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'NEEDS-ACTION', rsvpSource: null });
      expect(told).toEqual([]);
      expect(logged).toEqual([
        'imip: ignored: no calendar part',
        'imip: ignored: no calendar part with METHOD:REPLY or COUNTER',
        expect.stringContaining('MEETING_NOT_FOUND'),
        expect.stringContaining('STALE_REPLY'),
        expect.stringMatching(/^imip: malformed calendar: /),
      ]);

      // The same answer for the current SEQUENCE, or without one, is taken.
      await reply(replyIcs({ uid: meeting.icalUid, attendee: `mailto:${elue}`, partstat: 'TENTATIVE' }));
      expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'TENTATIVE', rsvpSource: 'imip' });
    },
  );

  it('refuses mail for any address but the organizer’s at RCPT TO', async () => {
    await expect(
      smtp.sendMail({ from: 'a@example.org', to: 'someone@example.org', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });
});
