import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeStep } from '../../client/fiche-steps.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { createRsvpSignaller } from '../../client/signal-rsvp.js';
import { reminderTimes, type RsvpPartStat } from '../../domain/meeting-rules.js';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { verifyLink } from '../../infra/links/signed-links.js';
import {
  addLocalDays,
  atLocalTime,
  dateKey,
  dayAfterAt,
  shiftDate,
  toLocal,
  weekdayOf,
  type LocalDate,
} from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { CaughtMessage, MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { ficheStateQuery } from '../../workflows/definitions.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import {
  cancelUpdate,
  fileMinutesUpdate,
  meetingStateQuery,
  recordAttendanceUpdate,
  rescheduleUpdate,
  rsvpSignal,
  sendDecisionSummaryUpdate,
} from '../../workflows/meeting-definitions.js';
import { storedRows, attendanceOf as rowsAttendance } from '../../server/pages/attendance-page.js';
import { countAttendance } from '../../store/meetings/meeting-seats.js';
import { agendaChangedSignal } from '../../workflows/meeting-definitions.js';
import { openTestDatabase } from '../helpers/database.js';
import { pdfTextLines } from '../helpers/pdf-text.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { acceptedUpdates, updateRefusal as refusal } from '../helpers/updates.js';
import { eventually, idle, privateTimeSkippingEnv, sleepUntil } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// The meeting workflow on a time-skipping server of this file's own (its clock only moves
// forward: the tests run in order, months apart), the demo convention in PGlite, real SMTP.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PEOPLE = {
  cooperateur: 'directrice.education@example.org',
  /** The COTECH's secretary. */
  secretaire: 'assistante.education@example.org',
  /** A COTECH member without any power over its meetings. */
  membre: 'caf.conseiller-territorial@example.org',
};

describe('meetingWorkflow (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let catcher: MailCatcher;
  let taskQueue: string;
  let conventionId: string;
  let cotechMembers: string[];
  let A: Record<'cooperateur' | 'secretaire' | 'membre', Actor>;

  beforeAll(async () => {
    [env, db] = await Promise.all([privateTimeSkippingEnv(), openTestDatabase('pglite')]);
    stack = await startTestWorker(env, db, 'meeting');
    ({ catcher, taskQueue } = stack);
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    const memberships = await db.prisma.membership.findMany({
      where: { instance: { conventionId, slug: 'cotech' } },
      include: { person: true },
    });
    cotechMembers = [...new Set(memberships.map((m) => m.person.email.toLowerCase()))].sort();
    A = {
      cooperateur: await resolveActor(db.prisma, conventionId, PEOPLE.cooperateur, 'cooperateur'),
      secretaire: await resolveActor(db.prisma, conventionId, PEOPLE.secretaire, 'secretaire_instance'),
      membre: await resolveActor(db.prisma, conventionId, PEOPLE.membre, 'membre'),
    };
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  // ---------------------------------------------------------------------------------------------
  // Helpers

  const now = async () => new Date(await env.currentTimeMs());

  /** A COTECH meeting on that local day, 14:00–16:30, scheduled through the same path as the API. */
  async function schedule(title: string, day: { year: number; month: number; day: number }) {
    const startsAt = atLocalTime(day, 14, 0, ZONE);
    const deps = { client: env.client, store: createStore(db.prisma), taskQueue };
    const created = await scheduleMeeting(
      deps,
      conventionId,
      {
        instance: 'cotech',
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 150 * MINUTE).toISOString(),
        visioUrl: 'https://visio.example.org/cotech',
      },
      A.cooperateur,
      { now: await now() },
    );
    return { ...created, startsAt, handle: env.client.workflow.getHandle(created.workflowId) };
  }

  async function convened(handle: WorkflowHandle) {
    await sleepUntil(env, handle, new Date((await env.currentTimeMs()) + 11 * MINUTE));
    return eventually(async () => {
      const state = await handle.query(meetingStateQuery);
      return state.status === 'convoquee' ? state : undefined;
    }, 'the convocation');
  }

  async function mailsAbout(title: string, label: string): Promise<CaughtMessage[]> {
    return (await catcher.list()).filter((m) => m.subject.startsWith(`${label} : `) && m.subject.includes(title));
  }

  /** Waits until `count` mails of that kind arrived, then gives their recipients, sorted. */
  async function recipients(title: string, label: string, count: number): Promise<string[]> {
    await eventually(
      async () => (await mailsAbout(title, label)).length >= count,
      `${count} mails « ${label} » about ${title}`,
    );
    await delay(100); // room for a duplicate to show
    return (await mailsAbout(title, label)).flatMap((m) => m.to).sort();
  }

  async function expectNone(title: string, label: string): Promise<void> {
    await delay(300);
    expect(await mailsAbout(title, label)).toEqual([]);
  }

  /** Sleeps to a minute before `at`: no such mail; then a minute after: one to each member. */
  async function expectMailAt(
    handle: WorkflowHandle,
    title: string,
    label: string,
    at: Date,
    to: string[],
  ): Promise<void> {
    await sleepUntil(env, handle, new Date(at.getTime() - MINUTE));
    await expectNone(title, label);
    await sleepUntil(env, handle, new Date(at.getTime() + MINUTE));
    expect(await recipients(title, label, to.length)).toEqual(to);
  }

  /** The calendar part of a caught mail, parsed with ical.js, and the MIME method parameter. */
  async function calendarOf(message: CaughtMessage) {
    const parsed = await simpleParser((await catcher.readRaw(message.id))!);
    const part = parsed.attachments.find((a) => a.contentType === 'text/calendar') ?? null;
    const raw = (await catcher.readRaw(message.id))!.toString('utf8');
    const method = /Content-Type: text\/calendar;[^\n]*method=(\w+)/i.exec(raw)?.[1];
    const text = part ? part.content.toString('utf8') : (/BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(raw)?.[0] ?? '');
    const calendar = new ICAL.Component(ICAL.parse(text.replace(/=\r?\n/g, '')));
    const event = calendar.getFirstSubcomponent('vevent')!;
    return { method, calendar, event, parsed };
  }

  /** Records an answer as a signed link or a calendar reply does: in the store, then told to the workflow. */
  async function answer(meetingId: string, email: string, partstat: RsvpPartStat): Promise<void> {
    const recorded = await createStore(db.prisma).meetings.recordRsvp({
      meeting: { id: meetingId },
      email,
      partstat,
      source: 'link',
      at: await now(),
    });
    await createRsvpSignaller(env.client)(recorded);
  }

  async function startSubmittedFiche(name: string) {
    const ficheId = randomUUID();
    const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
      taskQueue,
      workflowId: `fiche-${name}-${ficheId.slice(0, 8)}`,
      args: [
        { ficheId, conventionId, title: `Fiche ${name}`, authorEmail: PEOPLE.cooperateur, charter: REFERENCE_CHARTER },
      ],
    });
    await eventually(async () => (await handle.query(ficheStateQuery)).code, 'the fiche to be recorded');
    await takeStep(handle, 'submit', { actor: A.cooperateur });
    return handle;
  }

  /** Ends a fiche's workflow as a person would, so no activity is left in flight for the clock's jumps. */
  async function withdraw(fiche: WorkflowHandle): Promise<void> {
    await takeStep(fiche, 'withdraw', {
      actor: { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} },
      reason: 'Fin du test',
    });
    await eventually(
      async () => (await fiche.describe()).status.name === 'COMPLETED',
      'the fiche workflow to complete',
    );
  }

  /**
   * The Wednesday after the last Sunday of March (the change to summer time) of the first year it
   * is 3+ weeks ahead: its J-1 is a Tuesday, never a public holiday (Easter Monday may be the day before).
   */
  async function wednesdayAfterDstChange(): Promise<{ year: number; month: number; day: number }> {
    const today = await now();
    for (let year = today.getUTCFullYear(); ; year += 1) {
      const lastSunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
      const day = shiftDate({ year, month: 3, day: lastSunday }, 3);
      if (atLocalTime(day, 0, 0, ZONE).getTime() > today.getTime() + 21 * DAY) return day;
    }
  }

  /** The first day a meeting may be held (no weekend, no public holiday) `days` days from now or after. */
  async function openDay(days: number): Promise<LocalDate> {
    return nextOpenDay(toLocal(addLocalDays(await now(), days, ZONE), ZONE), null).date;
  }

  // ---------------------------------------------------------------------------------------------

  it(
    'convenes the members with the ordre du jour the fiches put on it, ' +
      'then reminds them at J-7 (winter time) and J-1 (summer time) at 09:00',
    async () => {
      const fiche = await startSubmittedFiche('convocation');
      const day = await wednesdayAfterDstChange();
      const title = `COTECH ${dateKey(day)}`;
      const meeting = await schedule(title, day);
      const state = await convened(meeting.handle);
      expect(await db.prisma.invitation.count({ where: { meetingId: meeting.meetingId } })).toBe(cotechMembers.length);
      expect(state).toMatchObject({ status: 'convoquee', sequence: 0 });
      expect(state.agendaSent).toEqual([
        expect.stringMatching(/^Fiche FA-\d{4}-\d+ \(version 1\) : Fiche convocation$/),
      ]);
      expect(await recipients(title, 'Convocation', cotechMembers.length)).toEqual(cotechMembers);

      const [one] = await mailsAbout(title, 'Convocation');
      const { method, calendar, event, parsed } = await calendarOf(one!);
      expect(method).toBe('REQUEST');
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      expect(event.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
      expect(event.getFirstPropertyValue('sequence')).toBe(0);
      expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(
        meeting.startsAt.toISOString(),
      );
      expect(String(event.getFirstPropertyValue('description'))).toContain('Fiche convocation');
      expect(event.getAllProperties('attendee')).toHaveLength(cotechMembers.length);
      expect(parsed.text).toMatch(/rsvp\//);
      // The ordre du jour as PDF beside the invitation: the calendar part survives the attachment.
      expect(parsed.attachments.map((a) => a.contentType)).toEqual(
        expect.arrayContaining(['text/calendar', 'application/pdf']),
      );

      // The fiche is on the agenda: its decision waits for the meeting.
      expect((await fiche.query(ficheStateQuery)).agenda?.meetingId).toBe(meeting.meetingId);

      const j7 = addLocalDays(atLocalTime(day, 9, 0, ZONE), -7, ZONE);
      const j1 = addLocalDays(atLocalTime(day, 9, 0, ZONE), -1, ZONE);
      expect(toLocal(j7, ZONE)).toMatchObject({ hour: 9, offsetMinutes: 60 });
      expect(toLocal(j1, ZONE)).toMatchObject({ hour: 9, offsetMinutes: 120 });
      expect((await meeting.handle.query(meetingStateQuery)).nextReminder).toBe(j7.toISOString());
      await expectMailAt(meeting.handle, title, 'Rappel (J-7)', j7, cotechMembers);
      await expectMailAt(meeting.handle, title, 'Rappel (J-1)', j1, cotechMembers);

      // An answer by link or by calendar reaches the workflow.
      await meeting.handle.signal(rsvpSignal, {
        email: PEOPLE.membre,
        partstat: 'ACCEPTED',
        source: 'link',
        at: (await now()).toISOString(),
      });
      await eventually(
        async () => (await meeting.handle.query(meetingStateQuery)).rsvp[PEOPLE.membre] === 'ACCEPTED',
        'the RSVP',
      );
      await meeting.handle.executeUpdate(cancelUpdate, { args: [{ actor: A.cooperateur, reason: 'Fin du test' }] });
      await withdraw(fiche);
    },
  );

  it(
    'reminds only those who have not declined, each with their own answer links; ' +
      'a reminder due on a Sunday goes on the working day before',
    async () => {
      let day = await openDay(10);
      while (weekdayOf(day) !== 1) day = nextOpenDay(shiftDate(day, 1), null).date;
      const title = `COTECH du lundi ${dateKey(day)}`;
      const meeting = await schedule(title, day);
      await convened(meeting.handle);
      const others = cotechMembers.filter((m) => m !== PEOPLE.secretaire);
      const [declining, hesitating] = others;
      await answer(meeting.meetingId, declining!, 'DECLINED');
      await answer(meeting.meetingId, hesitating!, 'TENTATIVE');
      const reminded = cotechMembers.filter((m) => m !== declining);

      // J-1 is the Sunday: it goes on the Friday (or before, should that be a holiday), at 09:00.
      const [j7, j1] = reminderTimes(meeting.startsAt, [7, 1], 9, ZONE, await now(), { workingDays: true });
      expect(j1).toMatchObject({ daysBefore: 1 });
      expect(weekdayOf(toLocal(j1!.at, ZONE))).toBeLessThanOrEqual(5);
      expect(j1!.at.getTime()).toBeLessThan(atLocalTime(shiftDate(day, -2), 0, 0, ZONE).getTime());
      await expectMailAt(meeting.handle, title, `Rappel (J-${j7!.daysAhead})`, j7!.at, reminded);
      await expectMailAt(meeting.handle, title, `Rappel (J-${j1!.daysAhead})`, j1!.at, reminded);

      // Each reminder carries its recipient's own signed answer links, as the invitation does.
      for (const message of await mailsAbout(title, `Rappel (J-${j1!.daysAhead})`)) {
        const text = (await simpleParser((await catcher.readRaw(message.id))!)).text ?? '';
        const links = ['Je participerai', 'Je ne sais pas encore', 'Je ne participerai pas'].map((label) => {
          const url = new RegExp(`${label} : (\\S+)`).exec(text)?.[1] ?? '';
          expect(url, `${label} in the reminder to ${message.to[0]}`).toMatch(/\/rsvp\//);
          return verifyLink(url.slice(url.indexOf('/rsvp/') + 6), TEST_LINKS.secret, { purpose: 'rsvp' });
        });
        expect(links.map((l) => [l.subject, l.email.toLowerCase(), l.answer])).toEqual([
          [meeting.meetingId, message.to[0], 'ACCEPTED'],
          [meeting.meetingId, message.to[0], 'TENTATIVE'],
          [meeting.meetingId, message.to[0], 'DECLINED'],
        ]);
      }
      await meeting.handle.executeUpdate(cancelUpdate, { args: [{ actor: A.cooperateur, reason: 'Fin du test' }] });
    },
  );

  it(
    'reschedules with the same UID and a higher SEQUENCE, asks every member again (every answer back to ' +
      'NEEDS-ACTION), and the fiche on its agenda follows; too soon or a Saturday is refused unless overridden',
    async () => {
      const fiche = await startSubmittedFiche('report');
      const start = await openDay(30);
      const title = `COTECH report ${start.year}-${start.month}-${start.day}`;
      const meeting = await schedule(title, start);
      await convened(meeting.handle);
      await recipients(title, 'Convocation', cotechMembers.length);

      const tooSoon = atLocalTime(await openDay(3), 14, 0, ZONE);
      const refused = await refusal(
        meeting.handle.executeUpdate(rescheduleUpdate, {
          args: [
            {
              actor: A.secretaire,
              startsAt: tooSoon.toISOString(),
              endsAt: new Date(tooSoon.getTime() + HOUR).toISOString(),
            },
          ],
        }),
      );
      expect(refused).toMatchObject({ type: 'CONVOCATION_DELAY', message: expect.stringMatching(/7 jours francs/) });
      const byMember = await refusal(
        meeting.handle.executeUpdate(rescheduleUpdate, {
          args: [
            {
              actor: A.membre,
              startsAt: tooSoon.toISOString(),
              endsAt: new Date(tooSoon.getTime() + HOUR).toISOString(),
            },
          ],
        }),
      );
      expect(byMember.type).toBe('ROLE_NOT_ALLOWED');
      expect(await acceptedUpdates(meeting.handle)).toBe(0);

      // Two answers to the first date, by the path the links and the calendar replies take.
      const [accepting, declining] = cotechMembers.filter((m) => m !== PEOPLE.secretaire);
      await answer(meeting.meetingId, accepting!, 'ACCEPTED');
      await answer(meeting.meetingId, declining!, 'DECLINED');
      await eventually(
        async () => Object.keys((await meeting.handle.query(meetingStateQuery)).rsvp).length === 2,
        'the workflow to know both answers',
      );

      // A Saturday is refused, saying why; with an override and its reason it is held, and recorded.
      let saturday = shiftDate(start, 7);
      while (weekdayOf(saturday) !== 6) saturday = shiftDate(saturday, 1);
      const later = atLocalTime(saturday, 10, 0, ZONE);
      const newTimes = {
        actor: A.secretaire,
        startsAt: later.toISOString(),
        endsAt: new Date(later.getTime() + 2 * HOUR).toISOString(),
        reason: 'Salle indisponible',
      };
      const weekend = await refusal(meeting.handle.executeUpdate(rescheduleUpdate, { args: [newTimes] }));
      expect(weekend).toMatchObject({ type: 'NON_WORKING_DAY', message: expect.stringMatching(/\(samedi\)/) });
      expect(await acceptedUpdates(meeting.handle)).toBe(0);
      const moved = await meeting.handle.executeUpdate(rescheduleUpdate, {
        args: [{ ...newTimes, override: { reason: 'Séance extraordinaire' } }],
      });
      expect(moved).toMatchObject({ sequence: 1, startsAt: later.toISOString() });
      expect(moved.rsvp).toEqual({});
      expect(await recipients(title, 'Modification', cotechMembers.length)).toEqual(cotechMembers);
      const [update] = await mailsAbout(title, 'Modification');
      const { method, event } = await calendarOf(update!);
      expect(method).toBe('REQUEST');
      expect(event.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
      expect(event.getFirstPropertyValue('sequence')).toBe(1);
      expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(later.toISOString());
      // Everyone is asked again (RFC 5546): nobody's answer to the old date stands for the new one.
      const attendees = event.getAllProperties('attendee');
      expect(attendees).toHaveLength(cotechMembers.length);
      for (const attendee of attendees) {
        expect(attendee.getParameter('partstat')).toBe('NEEDS-ACTION');
        expect(attendee.getParameter('rsvp')).toBe('TRUE');
      }
      expect(await db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } })).toMatchObject({
        sequence: 1,
        startsAt: later,
      });
      const answers = await db.prisma.invitation.findMany({ where: { meetingId: meeting.meetingId } });
      expect(answers.map((i) => [i.partstat, i.respondedAt, i.rsvpSource])).toEqual(
        answers.map(() => ['NEEDS-ACTION', null, null]),
      );
      const line = await db.prisma.auditEvent.findFirstOrThrow({
        where: { subject: `meeting:${meeting.meetingId}`, action: 'meeting.reschedule' },
      });
      expect(line.actor).toBe(PEOPLE.secretaire);
      expect(line.details).toMatchObject({
        answersReset: 2,
        reason: 'Salle indisponible',
        overrideReason: 'Séance extraordinaire',
        overridden: expect.stringMatching(/samedi/),
      });

      // An answer to the old date the workflow hears of late stays void; one given since counts.
      const beforeMove = new Date((await now()).getTime() - HOUR).toISOString();
      await meeting.handle.signal(rsvpSignal, {
        email: accepting!,
        partstat: 'ACCEPTED',
        source: 'link',
        at: beforeMove,
      });
      await answer(meeting.meetingId, declining!, 'TENTATIVE');
      await eventually(
        async () => Object.keys((await meeting.handle.query(meetingStateQuery)).rsvp).length > 0,
        'the answer given since',
      );
      expect((await meeting.handle.query(meetingStateQuery)).rsvp).toEqual({ [declining!]: 'TENTATIVE' });

      // The fiche's reminders now follow the new date.
      await eventually(async () => {
        const state = await fiche.query(ficheStateQuery);
        return (
          state.agenda?.startsAt === later.toISOString() &&
          state.deadlines.reminder === dayAfterAt(later, 9, 0, ZONE).toISOString()
        );
      }, 'the fiche to follow the meeting');
      await meeting.handle.executeUpdate(cancelUpdate, { args: [{ actor: A.cooperateur, reason: 'Fin du test' }] });
      await withdraw(fiche);
    },
  );

  it(
    'a fiche joining the ordre du jour after the convocation: one update ' +
      'with the new agenda once fiches stop joining, SEQUENCE raised',
    async () => {
      const start = await openDay(25);
      const title = `COTECH complété ${start.year}-${start.month}-${start.day}`;
      const meeting = await schedule(title, start);
      expect(await convened(meeting.handle)).toMatchObject({ agendaSent: [], sequence: 0 });
      await recipients(title, 'Convocation', cotechMembers.length);

      const late = await startSubmittedFiche('retardataire');
      const later = await startSubmittedFiche('retardataire-bis');
      await eventually(
        async () => (await later.query(ficheStateQuery)).agenda?.meetingId === meeting.meetingId,
        'the second fiche on the agenda',
      );
      await sleepUntil(env, meeting.handle, new Date((await env.currentTimeMs()) + 11 * MINUTE));
      const state = await eventually(async () => {
        const current = await meeting.handle.query(meetingStateQuery);
        return current.agendaSent.length === 2 ? current : undefined;
      }, 'the new agenda');
      expect(state.sequence).toBe(1);
      expect(await recipients(title, 'Modification', cotechMembers.length)).toEqual(cotechMembers);
      const [update] = await mailsAbout(title, 'Modification');
      const { event } = await calendarOf(update!);
      expect(event.getFirstPropertyValue('sequence')).toBe(1);
      expect(String(event.getFirstPropertyValue('description'))).toMatch(
        /Fiche retardataire[\s\S]*Fiche retardataire-bis/,
      );
      await meeting.handle.executeUpdate(cancelUpdate, { args: [{ actor: A.cooperateur, reason: 'Fin du test' }] });
      await withdraw(late);
      await withdraw(later);
    },
  );

  it('cancels with METHOD:CANCEL to every member; the fiche goes to the next meeting', async () => {
    const fiche = await startSubmittedFiche('annulation');
    const first = await openDay(20);
    const second = await openDay(40);
    const title = `COTECH annulé ${first.year}-${first.month}-${first.day}`;
    const meeting = await schedule(title, first);
    await convened(meeting.handle);
    await eventually(
      async () => (await fiche.query(ficheStateQuery)).agenda?.meetingId === meeting.meetingId,
      'the fiche on the first agenda',
    );
    const next = await schedule(`COTECH suivant ${second.year}-${second.month}-${second.day}`, second);
    await convened(next.handle);

    const missingReason = await refusal(
      meeting.handle.executeUpdate(cancelUpdate, { args: [{ actor: A.secretaire, reason: ' ' }] }),
    );
    expect(missingReason).toMatchObject({ type: 'INVALID_INPUT', message: expect.stringMatching(/pourquoi/) });
    const cancelled = await meeting.handle.executeUpdate(cancelUpdate, {
      args: [{ actor: A.secretaire, reason: 'Quorum impossible à réunir' }],
    });
    expect(cancelled).toMatchObject({ status: 'annulee', sequence: 1 });
    expect(await recipients(title, 'Annulée', cotechMembers.length)).toEqual(cotechMembers);
    const [one] = await mailsAbout(title, 'Annulée');
    const { method, calendar, event } = await calendarOf(one!);
    expect(method).toBe('CANCEL');
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('sequence')).toBe(1);

    await eventually(
      async () => (await fiche.query(ficheStateQuery)).agenda?.meetingId === next.meetingId,
      'the fiche on the next agenda',
    );
    await next.handle.executeUpdate(cancelUpdate, { args: [{ actor: A.cooperateur, reason: 'Fin du test' }] });
    await withdraw(fiche);
  });

  it(
    'after the meeting: attendance checked with quorum and pouvoirs, relevé de décisions, and ' +
      'the secretary reminded the day after at 09:00, then weekly, until the compte rendu is filed',
    async () => {
      const start = await openDay(10);
      const title = `COTECH tenu ${start.year}-${start.month}-${start.day}`;
      const meeting = await schedule(title, start);
      await convened(meeting.handle);

      const early = await refusal(
        meeting.handle.executeUpdate(recordAttendanceUpdate, {
          args: [{ actor: A.secretaire, present: [PEOPLE.secretaire], excused: [], proxies: [] }],
        }),
      );
      expect(early).toMatchObject({ type: 'WRONG_STAGE', message: expect.stringMatching(/à partir du début/) });
      await sleepUntil(env, meeting.handle, new Date(meeting.startsAt.getTime() + 3 * HOUR));

      const others = cotechMembers.filter((m) => m !== PEOPLE.secretaire);
      const wrong = await refusal(
        meeting.handle.executeUpdate(recordAttendanceUpdate, {
          args: [
            {
              actor: A.secretaire,
              present: [PEOPLE.secretaire, 'inconnu@example.org'],
              excused: [others[0]!],
              proxies: [{ from: others[0]!, to: others[1]! }],
            },
          ],
        }),
      );
      expect(wrong.type).toBe('INVALID_INPUT');
      expect(wrong.message).toMatch(/inconnu@example.org n’est pas membre/);
      expect(wrong.message).toMatch(/doit être présent/);

      const present = [PEOPLE.secretaire, ...others.slice(2, 9)];
      const held = await meeting.handle.executeUpdate(recordAttendanceUpdate, {
        args: [
          {
            actor: A.secretaire,
            present,
            excused: [others[0]!, others[1]!],
            proxies: [{ from: others[0]!, to: present[1]! }],
          },
        ],
      });
      expect(held).toMatchObject({ status: 'tenue', quorumReached: true });
      const invitations = await db.prisma.invitation.findMany({
        where: { meetingId: meeting.meetingId },
        include: { person: true },
      });
      const attendanceOf = (email: string) => invitations.find((i) => i.person.email === email)?.attendance;
      expect(attendanceOf(PEOPLE.secretaire)).toBe('present');
      expect(attendanceOf(others[0]!)).toBe('represente');
      expect(attendanceOf(others[1]!)).toBe('excuse');
      expect(attendanceOf(others[others.length - 1]!)).toBe('absent');

      await meeting.handle.executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor: A.secretaire }] });
      expect(await recipients(title, 'Relevé de décisions', cotechMembers.length)).toEqual(cotechMembers);

      const secretaries = (
        await db.prisma.membership.findMany({
          where: { instance: { conventionId, slug: 'cotech' }, role: 'secretaire' },
          include: { person: true },
        })
      )
        .map((m) => m.person.email)
        .sort();
      const first = dayAfterAt(meeting.startsAt, 9, 0, ZONE);
      await expectMailAt(meeting.handle, title, 'Compte rendu à déposer', first, secretaries);
      const second = addLocalDays(first, 7, ZONE);
      await sleepUntil(env, meeting.handle, new Date(second.getTime() + MINUTE));
      expect(await recipients(title, 'Compte rendu à déposer', 2 * secretaries.length)).toEqual(
        [...secretaries, ...secretaries].sort(),
      );

      await meeting.handle.executeUpdate(fileMinutesUpdate, {
        args: [{ actor: A.secretaire, ref: 'https://ged.example.org/cotech/cr.pdf' }],
      });
      // Filed, but the relevé is not on the public page: the next reminder asks for that alone.
      const third = addLocalDays(second, 7, ZONE);
      await expectMailAt(meeting.handle, title, 'Relevé à publier', third, secretaries);
      expect(await recipients(title, 'Compte rendu à déposer', 2 * secretaries.length)).toHaveLength(
        2 * secretaries.length,
      );
      const [toPublish] = await mailsAbout(title, 'Relevé à publier');
      const asked = (await simpleParser((await catcher.readRaw(toPublish!.id))!)).text ?? '';
      expect(asked).toContain('n’est pas encore publié sur la page publique');
      expect(asked).toContain('Reste à faire :\n- la publication du relevé de décisions');
      expect(asked).not.toContain('le compte rendu\n');
      // Published: the workflow sees it at the next reminder's time and ends without another mail.
      await createStore(db.prisma).openData.publishDecisions({
        meetingId: meeting.meetingId,
        by: PEOPLE.secretaire,
        at: new Date(await env.currentTimeMs()),
      });
      await sleepUntil(env, meeting.handle, new Date(addLocalDays(third, 7, ZONE).getTime() + MINUTE));
      await eventually(
        async () => (await meeting.handle.describe()).status.name === 'COMPLETED',
        'the meeting workflow to complete',
      );
      expect(await recipients(title, 'Relevé à publier', secretaries.length)).toHaveLength(secretaries.length);
      expect(await db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } })).toMatchObject({
        status: 'tenue',
        quorumReached: true,
        minutesRef: 'https://ged.example.org/cotech/cr.pdf',
      });
      const audit = await db.prisma.auditEvent.findMany({
        where: { subject: `meeting:${meeting.meetingId}` },
        orderBy: { at: 'asc' },
      });
      expect(audit.map((a) => a.action)).toEqual([
        'meeting.schedule',
        'meeting.convene',
        'meeting.recordAttendance',
        'meeting.sendDecisionSummary',
        'meeting.fileMinutes',
      ]);
      await idle(meeting.handle);
    },
  );
  it(
    'a titulaire declines: their suppléant gets a REQUEST of the same event, they a pouvoir link; the ' +
      'dossier de séance travels with the convocation and again once the agenda changes; the relevé counts seats',
    async () => {
      const cotech = await db.prisma.instance.findFirstOrThrow({ where: { conventionId, slug: 'cotech' } });
      const seated = await db.prisma.membership.findMany({
        where: { instanceId: cotech.id, structureId: { not: null }, role: { notIn: ['secretaire', 'president'] } },
        include: { person: true },
        orderBy: { person: { email: 'asc' } },
      });
      // The first titulaire of their structure by address: the suppléant added to it stands in for them.
      const titulaire = seated[0]!;
      const other = seated.find((m) => m.structureId !== titulaire.structureId)!;
      const suppleant = await db.prisma.person.create({
        data: { email: 'suppleant.cotech@example.org', displayName: 'Sam Suppléant' },
      });
      await db.prisma.membership.create({
        data: {
          instanceId: cotech.id,
          personId: suppleant.id,
          structureId: titulaire.structureId,
          role: 'membre',
          seat: 'suppleant',
        },
      });
      const fiche = await startSubmittedFiche('dossier');
      const start = await openDay(20);
      const title = `COTECH suppléance ${start.year}-${start.month}-${start.day}`;
      const meeting = await schedule(title, start);
      await convened(meeting.handle);
      // The suppléant is not convened with the titulaires.
      expect(await recipients(title, 'Convocation', cotechMembers.length)).toEqual(cotechMembers);
      const dossierOf = async (message: CaughtMessage) => {
        const parsed = await simpleParser((await catcher.readRaw(message.id))!);
        const pdf = parsed.attachments.find((a) => a.filename === 'dossier-de-seance.pdf');
        return pdfTextLines(pdf!.content).join('\n');
      };
      const [convocation] = await mailsAbout(title, 'Convocation');
      const dossier = await dossierOf(convocation!);
      expect(dossier).toMatch(/Ordre du jour[\s\S]*1\.\s*Fiche (FA-\d{4}-\d+) \(version 1\) : Fiche dossier/);
      expect(dossier).toMatch(/Fiche FA-\d{4}-\d+ \(version 1\)\nFiche dossier\nEnjeu\n—[\s\S]*Budget et financeurs/);

      await answer(meeting.meetingId, titulaire.person.email, 'DECLINED');
      expect(await recipients(title, 'Convocation (suppléance)', 1)).toEqual([suppleant.email]);
      const [called] = await mailsAbout(title, 'Convocation (suppléance)');
      const { method, event, parsed } = await calendarOf(called!);
      expect(method).toBe('REQUEST');
      expect(event.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
      expect(event.getFirstPropertyValue('sequence')).toBe(0);
      const attendees = event.getAllProperties('attendee').map((a) => ({
        email: String(a.getFirstValue()).replace(/^mailto:/i, ''),
        partstat: a.getParameter('partstat'),
      }));
      expect(attendees).toContainEqual({ email: suppleant.email, partstat: 'NEEDS-ACTION' });
      expect(attendees).toContainEqual({ email: titulaire.person.email, partstat: 'DECLINED' });
      expect(parsed.text).toContain(`${titulaire.person.displayName} ne pourra pas siéger`);
      expect(parsed.attachments.map((a) => a.filename)).toContain('dossier-de-seance.pdf');

      expect(await recipients(title, 'Votre absence', 1)).toEqual([titulaire.person.email]);
      const [offer] = await mailsAbout(title, 'Votre absence');
      const offered = (await simpleParser((await catcher.readRaw(offer!.id))!)).text ?? '';
      expect(offered).toContain('Votre suppléant(e), Sam Suppléant, est convié(e) à siéger à votre place.');
      expect(offered).toMatch(/Donner pouvoir[\s\S]*http:\/\/concerto\.test\/pouvoir\//);

      // Another titulaire, without a suppléant, gives a pouvoir through the link's page (its store call).
      await answer(meeting.meetingId, other.person.email, 'DECLINED');
      expect(await recipients(title, 'Votre absence', 2)).toContain(other.person.email);
      const otherOffer = (await mailsAbout(title, 'Votre absence')).find((m) => m.to.includes(other.person.email));
      const otherText = (await simpleParser((await catcher.readRaw(otherOffer!.id))!)).text ?? '';
      expect(otherText).toContain('Aucun suppléant ne siège à votre place.');
      const token = /\/pouvoir\/([\w.-]+)/.exec(otherText)![1]!;
      const link = verifyLink(token, TEST_LINKS.secret, { purpose: 'proxy', now: await now() });
      const store = createStore(db.prisma);
      const give = { meetingId: meeting.meetingId, from: link.email, to: PEOPLE.secretaire, linkId: link.jti };
      await store.meetings.recordProxy({ ...give, at: await now() });
      await expect(store.meetings.recordProxy({ ...give, at: await now() })).rejects.toThrow(/déjà servi/);
      const page = (await store.meetings.findForPage(meeting.meetingId))!;
      const rows = storedRows(page);
      expect(rows.find((r) => r.email === other.person.email)).toMatchObject({
        status: 'pouvoir',
        to: PEOPLE.secretaire,
      });
      expect(countAttendance(page.seats, rowsAttendance(rows))).toMatchObject({ proxies: 1, votes: 1 });

      // A duration on the fiche's item: the dossier goes again to everyone convened, the suppléant too.
      const [item] = page.agenda;
      await store.meetings.setAgendaItemDuration({ meetingId: meeting.meetingId, itemId: item!.id, minutes: 45 });
      await meeting.handle.signal(agendaChangedSignal);
      await sleepUntil(env, meeting.handle, new Date((await env.currentTimeMs()) + 11 * MINUTE));
      const everyone = [...cotechMembers, suppleant.email].sort();
      expect(await recipients(title, 'Modification', everyone.length)).toEqual(everyone);
      const [update] = await mailsAbout(title, 'Modification');
      expect(await dossierOf(update!)).toMatch(
        /1\.\s*14 h 00 — Fiche FA-\d{4}-\d+ \(version 1\) : Fiche dossier \(45 min\)/,
      );
      expect((await calendarOf(update!)).event.getFirstPropertyValue('sequence')).toBe(1);

      await sleepUntil(env, meeting.handle, new Date(meeting.startsAt.getTime() + HOUR));
      const present = cotechMembers.filter((m) => m !== titulaire.person.email && m !== other.person.email);
      const held = await meeting.handle.executeUpdate(recordAttendanceUpdate, {
        args: [
          {
            actor: A.secretaire,
            present: [...present, suppleant.email],
            excused: [titulaire.person.email],
            proxies: [{ from: other.person.email, to: PEOPLE.secretaire }],
          },
        ],
      });
      expect(held).toMatchObject({ status: 'tenue', quorumReached: true });
      await meeting.handle.executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor: A.secretaire }] });
      await recipients(title, 'Relevé de décisions', everyone.length);
      const [releve] = await mailsAbout(title, 'Relevé de décisions');
      const releveText = (await simpleParser((await catcher.readRaw(releve!.id))!)).text ?? '';
      expect(releveText).toContain(
        `Présences : ${present.length + 1} présents dont 1 suppléant, 1 pouvoir — quorum atteint`,
      );
      await meeting.handle.executeUpdate(fileMinutesUpdate, {
        args: [{ actor: A.secretaire, ref: 'https://ged.example.org/cotech/cr-suppleance.pdf' }],
      });
      await withdraw(fiche);
      await idle(meeting.handle);
    },
  );
});
