import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, shiftDate, toLocal, weekdayOf } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { ImipListener } from '../../infra/smtp-in/imip-listener.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { findFreePort } from '../../infra/process/ports.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { meetingStateQuery } from '../../workflows/meeting-definitions.js';
import { jsonAs, signIn, tokenFor } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { startMeetingMailStack, type MeetingMailStack } from '../helpers/meeting-mail-stack.js';
import { SmtpSink, type SinkMessage } from '../helpers/smtp-sink.js';
import { devServerEnv, TEST_LINKS, uniqueTaskQueue } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// A meeting's mails on the dev server (real time), PostgreSQL and a real SMTP server on loopback:
// the server away for a while, then back; the answers coming back by link and by calendar reply.

const ZONE = 'Europe/Paris';
const ORGANIZER = 'concerto@example.org';
const MEMBER = 'caf.conseiller-territorial@example.org';
const OTHER_MEMBER = 'msa.travailleur-social@example.org';

describe('meeting mails through a real SMTP server (dev server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let sink: SmtpSink;
  let port: number;
  let stack: Pick<MeetingMailStack, 'stop'>;
  let transport: ReturnType<typeof createMailTransport>;
  let app: FastifyInstance;
  let imip: ImipListener;
  const taskQueue = uniqueTaskQueue('meeting-delivery');
  let meeting: { meetingId: string; workflowId: string; icalUid: string };

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase('postgres');
    await loadDemo(db.prisma);
    port = await findFreePort();
    sink = new SmtpSink();
    // Pooled, as SMTP_URL makes it; nothing listens on the port yet.
    transport = createMailTransport({ kind: 'smtp', url: `smtp://127.0.0.1:${port}` });
    ({ app, imip, ...stack } = await startMeetingMailStack({ env, db, taskQueue, transport, organizer: ORGANIZER }));
  });

  afterAll(async () => {
    await stack?.stop();
    transport?.close();
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  const convocations = () => sink.accepted.filter((m) => m.subject?.startsWith('Convocation : '));

  it(
    'the SMTP server down, then back: every member gets the ' +
      'convocation exactly once, and the ledger shows each attempt',
    async () => {
      const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
      const actor = await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur');
      const day = nextOpenDay(toLocal(addLocalDays(new Date(), 12), 'Europe/Paris'), null).date;
      const startsAt = atLocalTime(day, 14, 0);
      meeting = await scheduleMeeting(
        { client: env.client, store: createStore(db.prisma), taskQueue },
        conventionId,
        {
          instance: 'cotech',
          title: 'COTECH de livraison',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
        },
        actor,
        { timing: { agendaQuietMs: 300 } },
      );
      const expected = await eventually(async () => {
        const rows = await db.prisma.invitation.count({ where: { meetingId: meeting.meetingId } });
        return rows > 0 ? rows : undefined;
      }, 'the invitations');

      // Each member's convocation fails at least once while nothing listens.
      await eventually(
        async () =>
          (await db.prisma.notificationAttempt.count({
            where: { outcome: 'retrying', notification: { workflowId: meeting.workflowId } },
          })) >= expected,
        'a failed attempt per member',
      );
      await sink.start(port);
      await eventually(
        async () => convocations().length >= expected,
        'the convocations once the server is back',
        60_000,
      );
      await sleep(2_000); // room for a duplicate to show

      const members = (
        await db.prisma.invitation.findMany({ where: { meetingId: meeting.meetingId }, include: { person: true } })
      )
        .map((r) => r.person.email.toLowerCase())
        .sort();
      expect(
        convocations()
          .flatMap((m) => m.to)
          .sort(),
      ).toEqual(members);
      expect(new Set(convocations().map((m) => m.messageId)).size).toBe(members.length);
      const ledger = await db.prisma.notification.findMany({
        where: { workflowId: meeting.workflowId },
        include: { history: true },
      });
      expect(ledger).toHaveLength(members.length);
      for (const row of ledger) {
        expect(row).toMatchObject({ status: 'sent', icalUid: meeting.icalUid, icalSequence: 0, icalMethod: 'REQUEST' });
        const outcomes = row.history.sort((a, b) => a.attempt - b.attempt).map((h) => h.outcome);
        expect(outcomes.at(-1)).toBe('sent');
        expect(outcomes.slice(0, -1).every((o) => o === 'retrying')).toBe(true);
        expect(outcomes.length).toBeGreaterThanOrEqual(2);
        expect(row.history.find((h) => h.outcome === 'retrying')?.error).toMatch(/ECONNECTION|ECONNREFUSED|connect/i);
      }
    },
  );

  function convocationOf(email: string): SinkMessage {
    const message = convocations().find((m) => m.to.includes(email));
    if (!message) throw new Error(`no convocation to ${email}`);
    return message;
  }

  it(
    'a member answers through the signed link in the mail: the page asks, ' +
      'the POST records, the workflow knows; the link cannot be used twice',
    async () => {
      const text = convocationOf(MEMBER).parsed.text ?? '';
      const link = /Je participerai : (\S+)/.exec(text)?.[1];
      expect(link).toMatch(new RegExp(`^${TEST_LINKS.publicUrl}/rsvp/`));
      const url = link!.slice(TEST_LINKS.publicUrl.length);

      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/<form method="post"/i);
      expect(
        await db.prisma.invitation.findFirstOrThrow({
          where: { meetingId: meeting.meetingId, person: { email: MEMBER } },
        }),
      ).toMatchObject({ partstat: 'NEEDS-ACTION' });

      const answered = await app.inject({ method: 'POST', url });
      expect(answered.statusCode).toBe(200);
      expect(
        await db.prisma.invitation.findFirstOrThrow({
          where: { meetingId: meeting.meetingId, person: { email: MEMBER } },
        }),
      ).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'link' });
      await eventually(
        async () =>
          (await env.client.workflow.getHandle(meeting.workflowId).query(meetingStateQuery)).rsvp[MEMBER] ===
          'ACCEPTED',
        'the workflow to know',
      );
      expect((await app.inject({ method: 'POST', url })).statusCode).toBe(409);
    },
  );

  it(
    'a member declines from their calendar: the iMIP REPLY to ' +
      'the organizer changes their answer and reaches the workflow',
    async () => {
      const request = convocationOf(OTHER_MEMBER).parsed.attachments.find((a) => a.contentType === 'text/calendar');
      const calendar = new ICAL.Component(ICAL.parse(request ? request.content.toString('utf8') : ''));
      // What a calendar client sends: the same event, METHOD:REPLY, only the answering attendee.
      calendar.updatePropertyWithValue('method', 'REPLY');
      const event = calendar.getFirstSubcomponent('vevent')!;
      for (const attendee of event.getAllProperties('attendee')) {
        if (String(attendee.getFirstValue()).toLowerCase() !== `mailto:${OTHER_MEMBER}`) event.removeProperty(attendee);
        else attendee.setParameter('partstat', 'DECLINED');
      }
      for (const alarm of event.getAllSubcomponents('valarm')) event.removeSubcomponent(alarm);
      const client = nodemailer.createTransport({ host: imip.host, port: imip.port, secure: false, ignoreTLS: true });
      await client.sendMail({
        from: OTHER_MEMBER,
        to: ORGANIZER,
        subject: 'Refusé : COTECH de livraison',
        text: 'Je ne pourrai pas venir.',
        icalEvent: { method: 'REPLY', content: calendar.toString() },
      });
      client.close();
      await eventually(
        async () =>
          (await env.client.workflow.getHandle(meeting.workflowId).query(meetingStateQuery)).rsvp[OTHER_MEMBER] ===
          'DECLINED',
        'the workflow to know',
      );
      expect(
        await db.prisma.invitation.findFirstOrThrow({
          where: { meetingId: meeting.meetingId, person: { email: OTHER_MEMBER } },
        }),
      ).toMatchObject({ partstat: 'DECLINED', rsvpSource: 'imip' });
    },
  );

  it(
    'moved through the API: a Saturday refused with its reason, held by an override the history keeps; ' +
      'the update on the wire asks everyone again (SEQUENCE 1, same UID, RSVP=TRUE, PARTSTAT=NEEDS-ACTION)',
    async () => {
      const organiser = 'directrice.education@example.org';
      const api = await tokenFor(db.prisma, organiser);
      const row = await db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } });
      let saturday = shiftDate(toLocal(row.startsAt, ZONE), 7);
      while (weekdayOf(saturday) !== 6) saturday = shiftDate(saturday, 1);
      const startsAt = atLocalTime(saturday, 10, 0, ZONE);
      const times = {
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
        reason: 'Salle prise en semaine',
      };
      const url = `/api/meetings/${meeting.meetingId}/reschedule`;
      const refused = await app.inject({ method: 'POST', url, ...jsonAs(api, times) });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({
        error: { code: 'NON_WORKING_DAY', message: expect.stringMatching(/\(samedi\).*motif de cette dérogation/) },
      });
      const moved = await app.inject({
        method: 'POST',
        url,
        ...jsonAs(api, { ...times, override: { reason: 'Seule date où la salle est libre' } }),
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ sequence: 1, startsAt: startsAt.toISOString() });
      expect(moved.json<{ rsvp: object }>().rsvp).toEqual({});

      // The update as the SMTP server received it, read by two parsers that are not the one that wrote it.
      const updates = () => sink.accepted.filter((m) => m.subject?.startsWith('Modification : '));
      const members = await db.prisma.invitation.count({ where: { meetingId: meeting.meetingId } });
      await eventually(async () => updates().length >= members, 'the update to every member', 30_000);
      for (const message of [MEMBER, OTHER_MEMBER].map((email) => updates().find((m) => m.to.includes(email)))) {
        const ics = message?.parsed.attachments.find((a) => a.contentType === 'text/calendar')?.content.toString();
        expect(ics, 'the update carries its invitation').toBeDefined();
        const calendar = new ICAL.Component(ICAL.parse(ics!));
        expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
        const event = calendar.getFirstSubcomponent('vevent')!;
        expect(event.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
        expect(event.getFirstPropertyValue('sequence')).toBe(1);
        expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate()).toEqual(startsAt);
        const attendees = event.getAllProperties('attendee');
        expect(attendees).toHaveLength(members);
        expect(attendees.map((a) => [a.getParameter('rsvp'), a.getParameter('partstat')])).toEqual(
          attendees.map(() => ['TRUE', 'NEEDS-ACTION']),
        );
        const [vevent] = Object.values(nodeIcal.sync.parseICS(ics!)).filter(
          (c): c is nodeIcal.VEvent => c?.type === 'VEVENT',
        );
        expect([vevent?.uid, Number(vevent?.sequence)]).toEqual([meeting.icalUid, 1]);
        const nodeAttendees = [vevent?.attendee ?? []].flat();
        expect(nodeAttendees).toHaveLength(members);
        for (const attendee of nodeAttendees) {
          expect(typeof attendee === 'string' ? {} : attendee.params).toMatchObject({
            RSVP: true,
            PARTSTAT: 'NEEDS-ACTION',
          });
        }
      }

      // In the store and on the page: the answer given to the old date is « en attente » for the new one.
      expect(
        await db.prisma.invitation.findMany({
          where: { meetingId: meeting.meetingId, person: { email: { in: [MEMBER, OTHER_MEMBER] } } },
          select: { partstat: true, respondedAt: true },
        }),
      ).toEqual([
        { partstat: 'NEEDS-ACTION', respondedAt: null },
        { partstat: 'NEEDS-ACTION', respondedAt: null },
      ]);
      const page = await app.inject({
        method: 'GET',
        url: `/reunions/${meeting.meetingId}`,
        headers: await signIn(app, db.prisma, organiser),
      });
      expect(page.statusCode).toBe(200);
      const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      expect(text).toMatch(new RegExp(`${MEMBER.replace(/\./g, '\\.')} en attente`));
      expect(text).not.toMatch(/participera|ne participera pas/);
      expect(text).toMatch(/toutes les réponses repassent « en attente » \(2 à l’ancienne date\)/);
      expect(text).toMatch(/Dérogation : Le samedi .* tombe un jour sans réunion \(samedi\)\. Motif : Seule date/);
      await env.client.workflow.getHandle(meeting.workflowId).cancel();
    },
  );
});
