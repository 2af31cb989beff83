import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBounceRecorder } from '../../activities/mail.js';
import { recordImipReplies } from '../../app/imip-replies.js';
import { startImapPoller, type ImapPoller } from '../../infra/imap-in/imap-poller.js';
import { imapFromSettings, type ImapSettings } from '../../infra/imap-in/imap-settings.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import type { RsvpRecorded } from '../../store/meetings/record-rsvp.js';
import { openTestDatabase } from '../helpers/database.js';
import { deliveryStatusNotification } from '../helpers/dsn.js';
import { startGreenMail, type GreenMail } from '../helpers/greenmail.js';
import { createTestMeeting } from '../helpers/meeting.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

// The reply mailbox read over IMAP, against a real GreenMail (SMTP to deliver, IMAP to read) and
// the real RSVP and bounce paths the SMTP listener uses.

const FROM = 'Concerto <concerto@example.org>';
// Generous: the machines running the suite may be loaded, and GreenMail's first messages are slow (JIT).
const WAIT = { timeout: 30_000, interval: 250 };

function replyIcs(uid: string, attendee: string, partstat: string): string {
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN',
    'VERSION:2.0',
    'METHOD:REPLY',
    'BEGIN:VEVENT',
    'DTSTAMP:20260601T100000Z',
    `UID:${uid}`,
    'SUMMARY:COTECH de juin',
    'ORGANIZER;CN=Concerto:mailto:concerto@example.org',
    `ATTENDEE;PARTSTAT=${partstat}:mailto:${attendee}`,
    'DTSTART;TZID=Europe/Paris:20260616T140000',
    'DTEND;TZID=Europe/Paris:20260616T170000',
    'SEQUENCE:0',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('replies read from the reply mailbox (IMAP, GreenMail)', () => {
  let greenmail: GreenMail;
  let db: Database;
  let sink: SmtpSink;
  let alerts: Transporter;
  let smtp: Transporter;
  let settings: ImapSettings;
  let poller: ImapPoller | undefined;
  const told: RsvpRecorded[] = [];
  const logged: string[] = [];

  const startPoller = () => {
    const store = createStore(db.prisma);
    const log = (line: string) => logged.push(line);
    poller = startImapPoller({
      settings,
      processed: store.inboundMail,
      onReply: recordImipReplies({ meetings: store.meetings, onRsvp: (rsvp) => void told.push(rsvp), log }),
      onBounce: createBounceRecorder({ transport: alerts, ledger: store.mailLedger, from: FROM }),
      log,
      retry: { firstMs: 200, maxMs: 1_000 },
    });
  };

  /** Delivers a mail to the mailbox the way the collectivité's mail server does: by SMTP. */
  const deliver = (message: SendMailOptions) =>
    smtp.sendMail({ envelope: { from: 'sender@example.net', to: greenmail.address }, ...message });

  /** A person's mail client on the mailbox. */
  const connectMailbox = async () => {
    const imap = new ImapFlow({
      host: greenmail.host,
      port: greenmail.imapPort,
      secure: false,
      auth: { user: greenmail.user, pass: greenmail.password },
      logger: false,
    });
    await imap.connect();
    return imap;
  };

  /** A calendar client's REPLY from `attendee`, as it lands in the mailbox. */
  const deliverReply = (messageId: string, icalUid: string, attendee: string, partstat: string) =>
    deliver({
      from: attendee,
      to: greenmail.address,
      subject: `${partstat} : COTECH de juin`,
      messageId,
      text: 'Réponse à votre invitation.',
      icalEvent: { method: 'REPLY', content: replyIcs(icalUid, attendee, partstat) },
    });

  /** What a folder holds, as a person's mail client sees it: Message-ID and read or not. */
  const folder = async (path: string) => {
    const imap = await connectMailbox();
    try {
      const lock = await imap.getMailboxLock(path);
      try {
        const messages = await imap.fetchAll('1:*', { envelope: true, flags: true });
        return messages.map((m) => ({ messageId: m.envelope!.messageId, seen: m.flags!.has('\\Seen') }));
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }
  };

  beforeAll(async () => {
    greenmail = await startGreenMail();
    db = await openTestDatabase('postgres');
    sink = await new SmtpSink().start();
    alerts = createMailTransport({ kind: 'smtp', url: sink.url });
    smtp = nodemailer.createTransport({ host: greenmail.host, port: greenmail.smtpPort, secure: false });
    // No search on a timer within the tests: new mail must come by IDLE, which GreenMail offers.
    settings = imapFromSettings({ IMAP_URL: greenmail.imapUrl, IMAP_POLL_SECONDS: '3600' }).imap!;
    startPoller();
  });

  afterAll(async () => {
    await poller?.stop();
    smtp?.close();
    alerts?.close();
    await sink?.stop();
    await db?.close();
    await greenmail?.stop();
  });

  const invitation = (meetingId: string, email: string) =>
    db.prisma.invitation.findFirstOrThrow({ where: { meetingId, person: { email } } });

  it('records a REPLY as the answer, marks it read and moves it; leaves a person’s mail unread', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const elue = emails[0]!;
    await deliverReply('<reply-1@example.org>', meeting.icalUid, elue, 'ACCEPTED');
    await deliver({
      from: 'Maire <maire@example.net>',
      to: greenmail.address,
      subject: 'Une question sur le COTECH',
      messageId: '<question-1@example.net>',
      text: 'Bonjour, la salle a-t-elle changé ?',
    });
    await deliver({
      from: `Élue <${elue}>`,
      to: greenmail.address,
      subject: 'Accepté : COTECH de juin',
      messageId: '<broken-1@example.org>',
      icalEvent: { method: 'REPLY', content: 'BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n' },
    });

    await vi.waitFor(async () => {
      expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'imip' });
      expect(await folder('Traitées')).toEqual([{ messageId: '<reply-1@example.org>', seen: true }]);
      expect(await folder('Illisibles')).toEqual([{ messageId: '<broken-1@example.org>', seen: false }]);
      expect(await folder('INBOX')).toEqual([{ messageId: '<question-1@example.net>', seen: false }]);
    }, WAIT);
    expect(told).toEqual([expect.objectContaining({ meetingId: meeting.id, email: elue, partstat: 'ACCEPTED' })]);
    expect(await invitation(meeting.id, emails[1]!)).toMatchObject({ partstat: 'NEEDS-ACTION' });
  });

  it('never reads a message twice: back in the mailbox after a crash before its move, across a restart', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const elue = emails[0]!;
    await deliverReply('<reply-2@example.org>', meeting.icalUid, elue, 'DECLINED');
    await vi.waitFor(async () => {
      expect(await folder('Traitées')).toContainEqual({ messageId: '<reply-2@example.org>', seen: true });
    }, WAIT);
    expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'DECLINED' });

    // Since then the person answered by link; the message shows up in the mailbox again, as after a
    // crash between its reading and its move, and the poller restarts.
    await db.prisma.invitation.updateMany({
      where: { meetingId: meeting.id, person: { email: elue } },
      data: { partstat: 'ACCEPTED', rsvpSource: 'link' },
    });
    await poller!.stop();
    const imap = await connectMailbox();
    const lock = await imap.getMailboxLock('Traitées');
    await imap.messageFlagsRemove({ header: { 'message-id': 'reply-2@example.org' } }, ['\\Seen']);
    await imap.messageCopy({ header: { 'message-id': 'reply-2@example.org' } }, 'INBOX');
    lock.release();
    await imap.logout();
    expect(await folder('INBOX')).toContainEqual({ messageId: '<reply-2@example.org>', seen: false });

    told.length = 0;
    startPoller();
    await vi.waitFor(async () => {
      expect(await folder('INBOX')).not.toContainEqual(expect.objectContaining({ messageId: '<reply-2@example.org>' }));
    }, WAIT);
    expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'link' });
    expect(told).toEqual([]);
    const answers = await db.prisma.auditEvent.count({
      where: { subject: `meeting:${meeting.id}`, action: 'meeting.rsvp' },
    });
    expect(answers).toBe(1);
    // The person's mail is still there, unread, and was not read again either.
    expect(await folder('INBOX')).toEqual([{ messageId: '<question-1@example.net>', seen: false }]);
  });

  it('marks the ledger line of a bounced mail as the SMTP listener does', async () => {
    await db.prisma.person.create({ data: { email: 'parti@example.net', displayName: 'Parti' } });
    const line = await db.prisma.notification.create({
      data: {
        idempotencyKey: 'imap-bounce:parti@example.net',
        recipient: 'parti@example.net',
        subject: 'Convocation',
        messageId: '<sent-1@example.org>',
        status: 'sent',
        attempts: 1,
      },
    });
    const returnPath = `bounces+${line.id}@example.org`;
    // The mail server delivers the return path's mail to the reply mailbox (an alias).
    const raw = deliveryStatusNotification({
      returnPath,
      recipient: 'parti@example.net',
      action: 'failed',
      status: '5.1.1',
      messageId: '<dsn-1@mx.example.org>',
    });
    await smtp.sendMail({ envelope: { from: 'mailer-daemon@mx.example.net', to: greenmail.address }, raw });

    await vi.waitFor(async () => {
      expect(await folder('Traitées')).toContainEqual({ messageId: '<dsn-1@mx.example.org>', seen: true });
    }, WAIT);
    const bounced = await db.prisma.notification.findUniqueOrThrow({
      where: { id: line.id },
      include: { history: true },
    });
    expect(bounced).toMatchObject({
      status: 'bounced',
      lastResponse: '5.1.1 (smtp; 550 5.1.1 Mailbox does not exist)',
    });
    expect(bounced.history.map((h) => h.outcome)).toEqual(['bounced']);
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: 'parti@example.net' } });
    expect(person.mailRefusal).toBe('5.1.1 (smtp; 550 5.1.1 Mailbox does not exist)');
  });

  it('waits out the mail server going away, and reads the mailbox once it is back', async () => {
    logged.length = 0;
    await greenmail.kill();
    await vi.waitFor(() => expect(logged.join('\n')).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/), WAIT);
    await greenmail.start();

    const { meeting, emails } = await createTestMeeting(db.prisma);
    const directrice = emails[1]!;
    await deliverReply('<reply-3@example.org>', meeting.icalUid, directrice, 'TENTATIVE');
    await vi.waitFor(async () => {
      expect(await invitation(meeting.id, directrice)).toMatchObject({ partstat: 'TENTATIVE', rsvpSource: 'imip' });
      expect(await folder('Traitées')).toEqual([{ messageId: '<reply-3@example.org>', seen: true }]);
    }, WAIT);
    expect(logged).toContainEqual(expect.stringMatching(/^imap: connected again to /));
  });
});
