import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, toLocal } from '../../domain/paris-time.js';
import type { ImipListener } from '../../infra/smtp-in/imip-listener.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { signIn } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { startMeetingMailStack, type MeetingMailStack } from '../helpers/meeting-mail-stack.js';
import { SmtpSink, type SinkMessage } from '../helpers/smtp-sink.js';
import { devServerEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';

// A member proposes another time from their calendar (iTIP COUNTER, as Outlook and Thunderbird
// send it) to the real iMIP listener on loopback; the organiser sees it on the meeting's page and
// accepts it (the meeting moves: a REQUEST with the next SEQUENCE to everyone) or declines it (a
// DECLINECOUNTER to the proposer). What leaves is read by ical.js, not by what wrote it.

const ORGANIZER = 'concerto@example.org';
const ORGANISER = 'directrice.education@example.org';
const MEMBER = 'caf.conseiller-territorial@example.org';
const OTHER_MEMBER = 'msa.travailleur-social@example.org';
const HOUR = 3_600_000;

const icsOf = (message: SinkMessage | undefined) =>
  message?.parsed.attachments.find((a) => a.contentType === 'text/calendar')?.content.toString('utf8');
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('COUNTER proposals (dev server, PGlite, real SMTP on loopback)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let sink: SmtpSink;
  let stack: Pick<MeetingMailStack, 'stop'>;
  let transport: ReturnType<typeof createMailTransport>;
  let app: FastifyInstance;
  let imip: ImipListener;
  let meeting: { meetingId: string; workflowId: string; icalUid: string };
  let firstStart: Date;
  const taskQueue = uniqueTaskQueue('counter');

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase('pglite');
    await loadDemo(db.prisma);
    sink = await new SmtpSink().start();
    transport = createMailTransport({ kind: 'smtp', url: sink.url });
    ({ app, imip, ...stack } = await startMeetingMailStack({ env, db, taskQueue, transport, organizer: ORGANIZER }));
    const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    const actor = await resolveActor(db.prisma, conventionId, ORGANISER, 'cooperateur');
    const day = nextOpenDay(toLocal(addLocalDays(new Date(), 12), 'Europe/Paris'), null).date;
    firstStart = atLocalTime(day, 14, 0);
    meeting = await scheduleMeeting(
      { client: env.client, store: createStore(db.prisma), taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH contre-proposé',
        startsAt: firstStart.toISOString(),
        endsAt: new Date(firstStart.getTime() + 2 * HOUR).toISOString(),
      },
      actor,
      { timing: { agendaQuietMs: 300 } },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    transport?.close();
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  const mailTo = (email: string, subject: string) =>
    sink.accepted.filter((m) => m.to.includes(email) && m.subject?.startsWith(subject)).at(-1);

  /** What the member's calendar sends: the invitation it got, METHOD:COUNTER, another time, only them. */
  async function sendCounter(email: string, invitation: string, startsAt: Date, comment: string) {
    const calendar = new ICAL.Component(ICAL.parse(invitation));
    calendar.updatePropertyWithValue('method', 'COUNTER');
    const event = calendar.getFirstSubcomponent('vevent')!;
    for (const attendee of event.getAllProperties('attendee'))
      if (String(attendee.getFirstValue()).toLowerCase() !== `mailto:${email}`) event.removeProperty(attendee);
    for (const alarm of event.getAllSubcomponents('valarm')) event.removeSubcomponent(alarm);
    // Same wall clock in the file's own VTIMEZONE, as Thunderbird writes it.
    for (const [name, at] of [
      ['dtstart', startsAt],
      ['dtend', new Date(startsAt.getTime() + HOUR)],
    ] as const) {
      const property = event.getFirstProperty(name)!;
      const time = property.getFirstValue() as ICAL.Time;
      const local = toLocal(at, 'Europe/Paris');
      const next = time.clone();
      Object.assign(next, { year: local.year, month: local.month, day: local.day, hour: local.hour, minute: 0 });
      property.setValue(next);
    }
    event.updatePropertyWithValue('comment', comment);
    const client = nodemailer.createTransport({ host: imip.host, port: imip.port, secure: false, ignoreTLS: true });
    await client.sendMail({
      from: email,
      to: ORGANIZER,
      subject: 'Nouvelle heure proposée : COTECH contre-proposé',
      text: comment,
      icalEvent: { method: 'COUNTER', content: calendar.toString() },
    });
    client.close();
  }

  const meetingPage = async () => {
    const page = await app.inject({
      method: 'GET',
      url: `/reunions/${meeting.meetingId}`,
      headers: await signIn(app, db.prisma, ORGANISER),
    });
    expect(page.statusCode).toBe(200);
    return page.body;
  };

  const post = async (url: string, form: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: { ...(await signIn(app, db.prisma, ORGANISER)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: form,
    });

  it('a COUNTER to the listener shows on the page; accepted, the meeting moves (REQUEST SEQUENCE 1)', async () => {
    const convocation = await eventually(async () => icsOf(mailTo(MEMBER, 'Convocation : ')), 'the convocation');
    const proposed = atLocalTime(nextOpenDay(toLocal(addLocalDays(firstStart, 2), 'Europe/Paris'), null).date, 10, 0);
    await sendCounter(MEMBER, convocation, proposed, 'Le jeudi matin me convient mieux.');
    await eventually(
      async () => (await db.prisma.counterProposal.count({ where: { meetingId: meeting.meetingId } })) === 1,
      'the proposal recorded',
    );

    const page = await meetingPage();
    const text = textOf(page);
    expect(text).toContain('Propositions d’un autre horaire');
    expect(text).toMatch(/propose le .* de 10 h à 11 h/);
    expect(text).toContain('« Le jeudi matin me convient mieux. »');
    const accept = /action="(\/reunions\/[^"]+\/accepter)"/.exec(page)?.[1];
    expect(accept).toBeDefined();

    // A stranger to the meeting's management may not.
    const member = await app.inject({
      method: 'POST',
      url: accept!,
      headers: { ...(await signIn(app, db.prisma, MEMBER)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(member.statusCode).toBe(403);

    const accepted = await post(accept!, '');
    expect(accepted.statusCode, accepted.body).toBe(303);
    const row = await db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } });
    expect([row.startsAt, row.sequence]).toEqual([proposed, 1]);
    expect(await db.prisma.counterProposal.findFirstOrThrow()).toMatchObject({
      status: 'accepted',
      decidedBy: ORGANISER,
    });

    const members = await db.prisma.invitation.count({ where: { meetingId: meeting.meetingId } });
    const updates = () => sink.accepted.filter((m) => m.subject?.startsWith('Modification : '));
    await eventually(async () => updates().length >= members, 'the update to every member', 30_000);
    const calendar = new ICAL.Component(ICAL.parse(icsOf(mailTo(OTHER_MEMBER, 'Modification : '))!));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = calendar.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate()).toEqual(proposed);

    const after = textOf(await meetingPage());
    expect(after).not.toContain('Propositions d’un autre horaire');
    expect(after).toMatch(/Déplacée au .*, à la proposition de caf\.conseiller-territorial@example\.org/);
  });

  it('declining a COUNTER sends its proposer a DECLINECOUNTER with the UID, SEQUENCE and ATTENDEE', async () => {
    const update = await eventually(async () => icsOf(mailTo(OTHER_MEMBER, 'Modification : ')), 'the update');
    const row = await db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } });
    await sendCounter(OTHER_MEMBER, update, new Date(row.startsAt.getTime() + 4 * HOUR), 'Plutôt l’après-midi ?');
    const proposal = await eventually(
      async () =>
        db.prisma.counterProposal.findFirst({
          where: { meetingId: meeting.meetingId, status: 'pending', person: { email: OTHER_MEMBER } },
        }),
      'the second proposal',
    );
    const page = await meetingPage();
    const decline = /action="(\/reunions\/[^"]+\/refuser)"/.exec(page)?.[1];
    expect(decline).toContain(proposal.id);

    const declined = await post(decline!, 'motif=La+salle+n%E2%80%99est+libre+que+le+matin');
    expect(declined.statusCode, declined.body).toBe(303);
    expect(declined.headers.location).toContain('fait=proposition-refusee');
    expect(await db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } })).toMatchObject({
      startsAt: row.startsAt,
      sequence: 1,
    });

    const mail = await eventually(async () => mailTo(OTHER_MEMBER, 'Proposition non retenue : '), 'the decline');
    expect(mail.parsed.text).toContain('Motif : La salle n’est libre que le matin');
    const calendar = new ICAL.Component(ICAL.parse(icsOf(mail)!));
    expect(calendar.getFirstPropertyValue('method')).toBe('DECLINECOUNTER');
    const event = calendar.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
    expect(event.getAllProperties('attendee').map((a) => a.getFirstValue())).toEqual([`mailto:${OTHER_MEMBER}`]);
    expect(event.getFirstPropertyValue('organizer')).toBe(`mailto:${ORGANIZER}`);
    expect(event.getFirstPropertyValue('comment')).toBe('La salle n’est libre que le matin');

    expect(await db.prisma.counterProposal.findUniqueOrThrow({ where: { id: proposal.id } })).toMatchObject({
      status: 'declined',
    });
    const history = textOf(await meetingPage());
    expect(history).toContain('Proposition de msa.travailleur-social@example.org refusée (motif : La salle');
    expect(history).toContain('Propose de la tenir le');
  });
});
