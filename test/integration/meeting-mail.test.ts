import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMailActivities,
  messageIdFor,
  type NotificationInput,
  type NotificationResult,
} from '../../activities/mail.js';
import type { Database } from '../../store/database/open-database.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { AGENDA_PDF_CONTENT_TYPE, AGENDA_PDF_FILENAME, renderAgendaPdf } from '../../documents/pdf/agenda-pdf.js';
import { composeMeetingMail, type MeetingMailInput } from '../../documents/mail/meeting-mail.js';
import { openTestDatabase } from '../helpers/database.js';
import { mimeEntities, mimeOutline, parseMimeTree, type MimeEntity } from '../helpers/mime-tree.js';
import { SmtpSink, type SinkMessage } from '../helpers/smtp-sink.js';
import { createStore } from '../../store/index.js';

const FROM = 'Secrétariat CTG <secretariat@concerto.test>';
const UID = 'meeting-42@concerto.test';
const WORKFLOW_ID = 'meeting-42';

/** A small valid invitation, as the calendar builder would write it. */
function vcalendar(
  method: 'REQUEST' | 'CANCEL',
  sequence: number,
  startsAt = '20240618T120000Z',
  endsAt = '20240618T150000Z',
): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Concerto//Test//FR',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${UID}`,
    `SEQUENCE:${sequence}`,
    'DTSTAMP:20240601T080000Z',
    `DTSTART:${startsAt}`,
    `DTEND:${endsAt}`,
    'SUMMARY:COTECH de juin — Comité technique',
    `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'ORGANIZER;CN=Secrétariat CTG:mailto:secretariat@concerto.test',
    'ATTENDEE;CN=Claire Martin;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:elue@example.org',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const MEETING: MeetingMailInput['meeting'] = {
  title: 'COTECH de juin',
  instanceName: 'Comité technique (COTECH)',
  startsAt: new Date('2024-06-18T12:00:00Z'),
  endsAt: new Date('2024-06-18T15:00:00Z'),
  zone: 'Europe/Paris',
  location: 'Salle du conseil, Melle',
  visioUrl: 'https://visio.example.org/cotech?room=juin&pin=42',
  sequence: 0,
};
const AGENDA = [
  { position: 1, title: 'Approbation du compte rendu' },
  { position: 2, title: 'Fiche FA-12 « Ludothèque itinérante » : avis' },
];
const RSVP = {
  accept: 'https://concerto.example.org/rsvp/accept?t=abc&s=1',
  tentative: 'https://concerto.example.org/rsvp/tentative?t=abc&s=1',
  decline: 'https://concerto.example.org/rsvp/decline?t=abc&s=1',
};

function mailInput(overrides: Partial<MeetingMailInput> = {}): MeetingMailInput {
  return {
    kind: 'convocation',
    meeting: MEETING,
    recipient: { name: 'Claire Martin', email: 'elue@example.org' },
    agenda: AGENDA,
    rsvpLinks: RSVP,
    ...overrides,
  };
}

/** The notification the meeting side sends for one composed mail. */
function notification(key: string, input: MeetingMailInput): NotificationInput {
  const mail = composeMeetingMail(input);
  return {
    idempotencyKey: key,
    workflowId: WORKFLOW_ID,
    to: input.recipient.email,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(mail.icalEvent ? { icalEvent: { ...mail.icalEvent, uid: UID, sequence: input.meeting.sequence } } : {}),
    ...(mail.attachments ? { attachments: mail.attachments } : {}),
  };
}

/** The three views of an invitation, side by side in one multipart/alternative. */
const ALTERNATIVE = ['  multipart/alternative', '    text/plain', '    text/html', '    text/calendar'];

function only(entities: MimeEntity, type: string): { entity: MimeEntity; parent: MimeEntity | null } {
  const found = mimeEntities(entities).filter(({ entity }) => entity.type === type);
  expect(found, `exactly one ${type} part`).toHaveLength(1);
  return found[0]!;
}

describe('meeting mail over SMTP', () => {
  let db: Database;
  let sink: SmtpSink;
  let transport: Transporter;
  let mail: ReturnType<typeof createMailActivities>;
  // Failed attempts are expected here: keep the activity's failure log quiet. No schedule-to-close
  // timeout (the mock's default is 1 s, long past): a transient failure is thrown to be retried.
  const send = (input: NotificationInput): Promise<NotificationResult> =>
    new MockActivityEnvironment({ scheduleToCloseTimeoutMs: 0 }, { logger: new DefaultLogger('ERROR') }).run(
      mail.sendNotification,
      input,
    ) as Promise<NotificationResult>;
  const received = (): SinkMessage => {
    expect(sink.accepted).toHaveLength(1);
    return sink.accepted[0]!;
  };

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    sink = await new SmtpSink().start();
    // The relay transport, pooled, as a deployment with SMTP_URL uses it.
    transport = createMailTransport({ kind: 'smtp', url: sink.url });
    mail = createMailActivities({
      transport,
      ledger: createStore(db.prisma).mailLedger,
      from: FROM,
      heartbeatEveryMs: 50,
    });
  });

  afterAll(async () => {
    transport?.close();
    await sink?.stop();
    await db?.close();
  });

  beforeEach(() => {
    sink.accepted.length = 0;
    sink.accept();
  });

  const ledger = (key: string) =>
    db.prisma.notification.findUniqueOrThrow({
      where: { idempotencyKey: key },
      include: { history: { orderBy: { attempt: 'asc' } } },
    });

  it('sends a convocation as text, HTML and a REQUEST calendar alternative, and records it', async () => {
    const key = `${WORKFLOW_ID}:convocation:0:elue@example.org`;
    const result = await send(
      notification(key, mailInput({ ics: { method: 'REQUEST', content: vcalendar('REQUEST', 0) } })),
    );
    expect(result).toEqual({ messageId: messageIdFor(key, 'concerto.test'), sent: true });

    const message = received();
    const tree = parseMimeTree(message.raw);
    // nodemailer also attaches the invitation as application/ics beside the alternative.
    expect(mimeOutline(tree)).toEqual(['multipart/mixed', ...ALTERNATIVE, '  application/ics']);
    const [alternative] = tree.children;
    const [plain, html, calendar] = alternative!.children;
    expect(plain!.params.charset).toBe('utf-8');
    expect(html!.params.charset).toBe('utf-8');
    expect(calendar!.params).toMatchObject({ charset: 'utf-8', method: 'REQUEST' });
    const ics = calendar!.body.toString('utf8');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain(`UID:${UID}`);
    expect(ics).toContain('SEQUENCE:0');
    expect(ics).toContain('Secrétariat CTG');
    expect(tree.children[1]!.params.name).toBe('convocation.ics');

    const text = plain!.body.toString('utf8');
    const markup = html!.body.toString('utf8');
    expect(message.subject).toBe('Convocation : COTECH de juin — mardi 18 juin 2024 à 14 h 00');
    for (const point of AGENDA) {
      expect(text).toContain(`${point.position}. ${point.title}`);
      expect(markup).toContain(point.title);
    }
    for (const url of Object.values(RSVP)) {
      expect(text).toContain(url);
      expect(markup).toContain(`href="${url.replaceAll('&', '&amp;')}"`);
    }
    expect(message.messageId).toBe(result.messageId);

    const row = await ledger(key);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      workflowId: WORKFLOW_ID,
      icalUid: UID,
      icalSequence: 0,
      icalMethod: 'REQUEST',
      lastError: null,
    });
    expect(row.history.map((h) => [h.attempt, h.outcome, h.error])).toEqual([[1, 'sent', null]]);
    expect(row.history[0]!.response).toMatch(/^250\b/);
  });

  it('sends an update with a higher SEQUENCE and says what changed', async () => {
    const key = `${WORKFLOW_ID}:update:1:elue@example.org`;
    const moved = {
      ...MEETING,
      sequence: 1,
      startsAt: new Date('2024-06-20T07:30:00Z'),
      endsAt: new Date('2024-06-20T10:00:00Z'),
      previous: { startsAt: MEETING.startsAt, endsAt: MEETING.endsAt },
    };
    await send(
      notification(
        key,
        mailInput({
          kind: 'update',
          meeting: moved,
          ics: { method: 'REQUEST', content: vcalendar('REQUEST', 1, '20240620T073000Z', '20240620T100000Z') },
        }),
      ),
    );

    const message = received();
    const { entity: calendar, parent } = only(parseMimeTree(message.raw), 'text/calendar');
    expect(parent!.type).toBe('multipart/alternative');
    expect(calendar.params.method).toBe('REQUEST');
    expect(calendar.body.toString('utf8')).toMatch(/^SEQUENCE:1\r?$/m);
    expect(message.subject).toBe('Modification : COTECH de juin — jeudi 20 juin 2024 à 09 h 30');
    expect(message.parsed.text).toContain('Nouvelle date : jeudi 20 juin 2024, de 09 h 30 à 12 h 00');
    expect(message.parsed.text).toContain('Ancienne date : mardi 18 juin 2024, de 14 h 00 à 17 h 00');
    expect(await ledger(key)).toMatchObject({ icalSequence: 1, icalMethod: 'REQUEST' });
  });

  it('sends a cancellation as a CANCEL calendar alternative', async () => {
    const key = `${WORKFLOW_ID}:cancel:2:elue@example.org`;
    const cancelled = { ...MEETING, sequence: 2, cancelReason: 'Quorum non atteint' };
    await send(
      notification(
        key,
        mailInput({ kind: 'cancel', meeting: cancelled, ics: { method: 'CANCEL', content: vcalendar('CANCEL', 2) } }),
      ),
    );

    const message = received();
    const tree = parseMimeTree(message.raw);
    const { entity: calendar, parent } = only(tree, 'text/calendar');
    expect(parent!.type).toBe('multipart/alternative');
    expect(calendar.params.method).toBe('CANCEL');
    expect(calendar.body.toString('utf8')).toContain('METHOD:CANCEL');
    expect(only(tree, 'application/ics').entity.params.name).toBe('annulation.ics');
    expect(message.subject).toBe('Annulée : COTECH de juin — mardi 18 juin 2024 à 14 h 00');
    expect(message.parsed.text).toContain('Motif : Quorum non atteint');
    expect(message.parsed.text).not.toContain('Je participerai');
    expect(await ledger(key)).toMatchObject({ icalSequence: 2, icalMethod: 'CANCEL' });
  });

  it('keeps the calendar alternative when the agenda PDF is attached too', async () => {
    const key = `${WORKFLOW_ID}:convocation-pdf:0:elue@example.org`;
    const pdf = await renderAgendaPdf({ ...MEETING, agenda: AGENDA, issuedAt: new Date('2024-06-01T08:00:00Z') });
    const composed = notification(
      key,
      mailInput({
        ics: { method: 'REQUEST', content: vcalendar('REQUEST', 0) },
        attachments: [{ filename: AGENDA_PDF_FILENAME, content: pdf, contentType: AGENDA_PDF_CONTENT_TYPE }],
      }),
    );
    // As a workflow passes it: through JSON, the PDF as base64.
    const input = JSON.parse(
      JSON.stringify({
        ...composed,
        attachments: composed.attachments!.map((a) => ({
          ...a,
          content: (a.content as Buffer).toString('base64'),
          encoding: 'base64',
        })),
      }),
    ) as NotificationInput;
    await send(input);

    const message = received();
    const tree = parseMimeTree(message.raw);
    expect(mimeOutline(tree)).toEqual(['multipart/mixed', ...ALTERNATIVE, '  application/pdf', '  application/ics']);
    const { entity: calendar, parent } = only(tree, 'text/calendar');
    expect(parent).toBe(tree.children[0]);
    expect(parent!.children.map((c) => c.type)).toEqual(['text/plain', 'text/html', 'text/calendar']);
    expect(calendar.params.method).toBe('REQUEST');
    expect(calendar.body.toString('utf8')).toContain(`UID:${UID}`);
    const attached = only(tree, 'application/pdf').entity;
    expect(attached.headers['content-disposition']).toMatch(/^attachment;.*ordre-du-jour\.pdf/);
    expect(attached.body.equals(pdf)).toBe(true);
    expect(message.parsed.text).toContain(`Pièce jointe : ${AGENDA_PDF_FILENAME}`);
  });

  it('refuses an invitation whose method contradicts its content, before sending or recording', async () => {
    const key = `${WORKFLOW_ID}:mismatch:0:elue@example.org`;
    const input = notification(key, mailInput({ ics: { method: 'REQUEST', content: vcalendar('REQUEST', 0) } }));
    const error = await send({ ...input, icalEvent: { ...input.icalEvent!, method: 'CANCEL' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'ICAL_MISMATCH', nonRetryable: true });
    expect((error as Error).message).toContain(
      'icalEvent.method is CANCEL but the iCalendar content says METHOD:REQUEST',
    );
    const wrongSequence = await send({ ...input, icalEvent: { ...input.icalEvent!, sequence: 3 } }).catch(
      (e: unknown) => e,
    );
    expect((wrongSequence as Error).message).toContain("icalEvent.sequence is 3 but the event's SEQUENCE is 0");
    expect(sink.accepted).toHaveLength(0);
    expect(await db.prisma.notification.findUnique({ where: { idempotencyKey: key } })).toBeNull();
  });

  it('records a refused recipient as a failed attempt with the server’s answer, and returns', async () => {
    const key = `${WORKFLOW_ID}:convocation:0:inconnu@example.org`;
    sink.refuseRecipients(550, 'No such user here');
    const input = notification(
      key,
      mailInput({
        recipient: { name: 'Inconnu', email: 'inconnu@example.org' },
        ics: { method: 'REQUEST', content: vcalendar('REQUEST', 0) },
      }),
    );
    const result = await send(input);
    expect(result).toMatchObject({ sent: false, undelivered: { reason: 'refused' } });
    expect(result.undelivered?.response).toMatch(/^550 No such user here/);
    // Tried again (a replayed workflow, a retried activity), it stays refused and sends nothing.
    expect(await send(input)).toMatchObject({ sent: false, undelivered: { reason: 'refused' } });

    const row = await ledger(key);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, icalUid: UID });
    expect(row.history).toHaveLength(1);
    expect(row.history[0]).toMatchObject({ attempt: 1, outcome: 'failed' });
    expect(row.history[0]!.response).toMatch(/^550 No such user here/);
    expect(row.history[0]!.error).toMatch(/^EENVELOPE: SMTP mailbox unavailable/);
    expect(sink.accepted).toHaveLength(0);
  });

  it('records a deferral then the success as two attempts, and sends a key once', async () => {
    const key = `${WORKFLOW_ID}:reminder-J7:elue@example.org`;
    const input = notification(key, mailInput({ kind: 'reminder', meeting: { ...MEETING, daysBefore: 7 } }));
    sink.refuse(451, 'Greylisted, try again later');
    const error = await send(input).catch((e: unknown) => e);
    expect(error).toMatchObject({ nonRetryable: false, type: 'EMESSAGE' });
    expect(await ledger(key)).toMatchObject({ status: 'retrying', attempts: 1 });

    sink.accept();
    const result = await send(input);
    expect(result.sent).toBe(true);
    const row = await ledger(key);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, icalUid: null, icalMethod: null });
    expect(row.history.map((h) => [h.attempt, h.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'sent'],
    ]);
    expect(row.history[0]!.response).toMatch(/^451 Greylisted/);
    expect(row.history[1]!.response).toMatch(/^250\b/);

    expect(await send(input)).toEqual({ messageId: result.messageId, sent: false });
    expect(sink.accepted.map((m) => m.messageId)).toEqual([result.messageId]);
    expect((await ledger(key)).history).toHaveLength(2);
  });

  it('records an attempt that never came back before the next one', async () => {
    const key = `${WORKFLOW_ID}:decisions:elue@example.org`;
    const input = notification(
      key,
      mailInput({ kind: 'decisions', decisions: [{ item: 'Fiche FA-12', outcome: 'Avis favorable' }] }),
    );
    // What a worker killed during the send leaves behind.
    await db.prisma.notification.create({
      data: {
        idempotencyKey: key,
        recipient: input.to,
        subject: input.subject,
        messageId: messageIdFor(key, 'concerto.test'),
        status: 'sending',
        attempts: 1,
      },
    });
    await send(input);
    const row = await ledger(key);
    expect(row.history.map((h) => [h.attempt, h.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'sent'],
    ]);
    expect(row.history[0]!.error).toMatch(/^INTERRUPTED:/);
  });
});
