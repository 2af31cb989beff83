import { readFile } from 'node:fs/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSetupPolls } from '../../client/start-setup-polls.js';
import type { ConventionSetup } from '../../domain/convention-setup.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import {
  atLocalTime,
  dateKey,
  formatFrench,
  localDateKey,
  parseDateKey,
  shiftDate,
  toLocal,
  type LocalDate,
} from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { CaughtMessage, MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { importConventionSetup } from '../../store/conventions/import-convention-setup.js';
import { DEMO_CONVENTION_SLUG, DEMO_SETUP_PATH } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { saveMeetingRules } from '../../store/conventions/save-meeting-rules.js';
import { DEFAULT_CALENDAR_TIMING, calendarWorkflowId } from '../../workflows/calendar-definitions.js';
import { calendarYearWorkflow } from '../../workflows/calendar-year.js';
import { DEFAULT_POLL_TIMING } from '../../workflows/poll-definitions.js';
import { openTestDatabase } from '../helpers/database.js';
import { testHttpApp } from '../helpers/http-app.js';
import { moveReferenceYear, referenceDays, referenceShiftWeeks } from '../helpers/reference-year.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually, idle, privateTimeSkippingEnv } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// The reference 2024 of the Mellois en Poitou CTG end to end, on a time-skipping server of its own:
// the rétroplanning's milestones, both date polls, the meetings they give and their invitations.
// The server's clock starts at the real now and only goes forward, so the reference runs moved by
// whole weeks to the nearest later year that fits (test/helpers/reference-year.ts says why): every
// date below is derived from the reference's own, as the demo file and the presentation give them.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;
const REFERENCE_YEAR = 2024;
/** The two polls of the reference, as the presentation words them. */
const JOURNEE = { key: 'journee-plan-actions-2024', days: ['2024-03-26', '2024-03-29'], chosen: '2024-03-26' };
const PEDT = { key: 'lancement-evaluation-pedt-2024', days: ['2024-02-16', '2024-03-08'], chosen: '2024-03-08' };
const ORGANISER = 'directrice.education@example.org';

/** A mail that must reach each of `to` once, on its day: nothing a minute before `at`, all of it a minute after. */
interface Expected {
  at: Date;
  subject: string;
  to: string[];
}

describe('the reference year end to end (time-skipping server, PGlite, HTTP vote pages, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let catcher: MailCatcher;
  let app: FastifyInstance;
  let conventionId: string;
  let organiser: Actor;
  let weeks: number;
  let setup: ConventionSetup;

  const moved = (key: string): LocalDate => shiftDate(parseDateKey(key), 7 * weeks);
  const now = async () => new Date(await env.currentTimeMs());

  beforeAll(async () => {
    [env, db] = await Promise.all([privateTimeSkippingEnv(), openTestDatabase('pglite')]);
    stack = await startTestWorker(env, db, 'reference-year');
    catcher = stack.catcher;
    const reference = JSON.parse(await readFile(DEMO_SETUP_PATH, 'utf8')) as ConventionSetup;
    // A margin of three weeks: the first milestone's J-14 reminder still lies ahead.
    weeks = referenceShiftWeeks(referenceDays(reference, REFERENCE_YEAR), shiftDate(toLocal(await now(), ZONE), 21));
    setup = moveReferenceYear(reference, REFERENCE_YEAR, weeks);
    await importConventionSetup(db.prisma, setup);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    organiser = await resolveActor(db.prisma, conventionId, ORGANISER, 'cooperateur');
    app = testHttpApp(env, db, stack.taskQueue);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  const mailsWith = async (subject: string): Promise<CaughtMessage[]> =>
    (await catcher.list()).filter((m) => m.subject === subject);
  const parsed = async (message: CaughtMessage) => simpleParser((await catcher.readRaw(message.id))!);

  /** Moves the clock once no workflow of the year (calendar, polls, meetings) has an activity in flight. */
  async function advanceTo(target: Date): Promise<void> {
    const polls = await db.prisma.poll.findMany({ where: { conventionId, workflowId: { not: null } } });
    const meetings = await db.prisma.meeting.findMany({ where: { conventionId, workflowId: { not: null } } });
    const ids = [
      calendarWorkflowId(conventionId),
      ...polls.map((p) => p.workflowId!),
      ...meetings.map((m) => m.workflowId!),
    ];
    await Promise.all(ids.map((id) => idle(env.client.workflow.getHandle(id))));
    const ms = target.getTime() - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  }

  it(
    'runs the milestones, both polls — voted through the signed links, decided by the rule — their meetings ' +
      'and invitations, every reminder on its day, across the change to summer time, nobody mailed twice',
    { timeout: 900_000 },
    async () => {
      // The reference's dates, moved: weekdays hold.
      for (const poll of [JOURNEE, PEDT]) {
        const options = setup.polls.find((p) => p.key === poll.key)!.options;
        expect(options.map((o) => toLocal(new Date(o.startsAt), ZONE)).map((l) => [l.year, l.month, l.day])).toEqual(
          poll.days.map(moved).map((d) => [d.year, d.month, d.day]),
        );
      }
      expect(JOURNEE.days.map((d) => toLocal(atLocalTime(moved(d), 9, 0, ZONE), ZONE).weekday)).toEqual([2, 5]);
      const year = moved(JOURNEE.chosen).year;
      const convention = await db.prisma.convention.findUniqueOrThrow({ where: { id: conventionId } });
      if (convention.endDate.getUTCFullYear() < year)
        await db.prisma.convention.update({
          where: { id: conventionId },
          data: { endDate: new Date(`${year}-12-31T00:00:00Z`) },
        });

      // The calendar of the year, with the milestones only: the recurring meetings have tests of their own.
      await saveMeetingRules(db.prisma, { conventionId, rules: [], actorEmail: ORGANISER, at: await now() });
      await env.client.workflow.start(calendarYearWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: calendarWorkflowId(conventionId),
        args: [{ conventionId, year }],
      });
      const startedAt = await now();

      // The setup's polls start once, whoever asks again.
      const timing = { meetingTiming: { agendaQuietMs: 1_000 } };
      const started = await startSetupPolls(
        { client: env.client, store: createStore(db.prisma), taskQueue: stack.taskQueue },
        conventionId,
        organiser,
        { now: await now(), timing },
      );
      expect(started.map((s) => [s.key, s.outcome]).sort()).toEqual([
        [JOURNEE.key, 'started'],
        [PEDT.key, 'started'],
      ]);
      const again = await startSetupPolls(
        { client: env.client, store: createStore(db.prisma), taskQueue: stack.taskQueue },
        conventionId,
        organiser,
        { now: await now(), timing },
      );
      expect(again.map((s) => s.outcome)).toEqual(['already_started', 'already_started']);
      const members = async (instance: string) =>
        [
          ...new Set(
            (
              await db.prisma.membership.findMany({
                where: { instance: { conventionId, slug: instance } },
                include: { person: true },
              })
            ).map((m) => m.person.email.toLowerCase()),
          ),
        ].sort();

      const expected: Expected[] = [];
      for (const [ref, instance, voters] of [
        [JOURNEE, 'groupe-elaboration', 3],
        [PEDT, 'cotech', 2],
      ] as const) {
        const outcome = started.find((s) => s.key === ref.key)!;
        if (outcome.outcome !== 'started') throw new Error(`${ref.key} did not start`);
        const participants = await members(instance);
        expect(outcome.participants).toEqual(participants);
        const poll = await db.prisma.poll.findUniqueOrThrow({
          where: { id: outcome.pollId },
          include: { options: { orderBy: { position: 'asc' } } },
        });
        const isChosen = (o: { startsAt: Date }) => localDateKey(o.startsAt, ZONE) === dateKey(moved(ref.chosen));
        const chosen = poll.options.find(isChosen);
        const other = poll.options.find((o) => !isChosen(o));

        // Each participant is invited once, with a link of their own to the voting page.
        const invitationSubject =
          `Sondage de date : ${poll.title} — répondre avant le ` +
          `${formatFrench(poll.deadline!, ZONE, { withWeekday: false })}`;
        await eventually(
          async () => (await mailsWith(invitationSubject)).length === participants.length,
          `the invitations to ${ref.key}`,
        );
        const invitations = await mailsWith(invitationSubject);
        expect(invitations.flatMap((m) => m.to).sort()).toEqual(participants);
        // The first participants answer through their link, over HTTP: oui for the reference's chosen day.
        const answering = participants.slice(0, voters);
        for (const email of answering) {
          const text = (await parsed(invitations.find((m) => m.to.includes(email))!)).text ?? '';
          expect(text).toContain(poll.options[0]!.label);
          const token = new RegExp(`${TEST_LINKS.publicUrl}/vote/([A-Za-z0-9._~-]+)`).exec(text)?.[1];
          expect(token, email).toBeDefined();
          const page = await app.inject({ method: 'GET', url: `/vote/${token}` });
          expect(page.statusCode).toBe(200);
          const answer = await app.inject({
            method: 'POST',
            url: `/vote/${token}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams([
              [`answer-${chosen!.id}`, 'oui'],
              [`answer-${other!.id}`, 'si_necessaire'],
            ]).toString(),
          });
          expect(answer.statusCode, answer.body).toBe(200);
        }
        expect(
          (await db.prisma.vote.findMany({ where: { option: { pollId: poll.id }, answer: 'oui' } }))
            .map((v) => [v.voterEmail, v.optionId])
            .sort(),
        ).toEqual(answering.map((e) => [e, chosen!.id]).sort());

        // Those who have not answered are reminded at 09:00, three days and the day before the deadline.
        const deadlineDay = toLocal(poll.deadline!, ZONE);
        const silent = participants.filter((p) => !answering.includes(p));
        for (const daysBefore of DEFAULT_POLL_TIMING.reminderDaysBefore) {
          expected.push({
            at: atLocalTime(shiftDate(deadlineDay, -daysBefore), 9, 0, ZONE),
            subject: `Rappel (J-${daysBefore}) — sondage de date : ${poll.title}`,
            to: silent,
          });
        }
        // At the deadline the rule chooses the reference's day; everyone is told.
        expected.push({
          at: poll.deadline!,
          subject: `Date retenue : ${poll.title} — ${chosen!.label}`,
          to: [...new Set([...participants, poll.organizerEmail])].sort(),
        });
        // Its meeting convenes the instance at once, then reminds its members at 09:00 on J-7 and J-1.
        const startsAt = chosen!.startsAt;
        expected.push({
          at: poll.deadline!,
          subject: `Convocation : ${poll.title} — ${formatFrench(startsAt, ZONE, { withTime: true })}`,
          to: participants,
        });
        for (const daysBefore of [7, 1]) {
          expected.push({
            at: atLocalTime(shiftDate(toLocal(startsAt, ZONE), -daysBefore), 9, 0, ZONE),
            subject: `Rappel (J-${daysBefore}) : ${poll.title} — ${formatFrench(startsAt, ZONE, { withTime: true })}`,
            to: participants,
          });
        }
      }

      // The milestones' owners: J-14 and J-1 at 09:00, for every milestone of the year not done yet.
      for (const milestone of setup.milestones.filter((m) => m.year === year && m.status !== 'fait' && m.ownerEmail)) {
        for (const daysBefore of DEFAULT_CALENDAR_TIMING.milestoneReminderDays) {
          const at = atLocalTime(shiftDate(parseDateKey(milestone.startDate), -daysBefore), 9, 0, ZONE);
          if (at < startedAt) continue;
          expected.push({
            at,
            subject:
              `Rétroplanning : « ${milestone.title} » ` + `${daysBefore === 1 ? 'demain' : `dans ${daysBefore} jours`}`,
            to: [milestone.ownerEmail!],
          });
        }
      }
      expected.sort((a, b) => a.at.getTime() - b.at.getTime());
      // Reminders fall on both sides of the change to summer time (09:00 is 08:00Z, then 07:00Z).
      const offsets = new Set(expected.map((e) => DateTime.fromJSDate(e.at, { zone: ZONE }).offset));
      expect(offsets).toEqual(new Set([60, 120]));
      expect(expected.filter((e) => e.subject.startsWith('Rétroplanning')).length).toBeGreaterThanOrEqual(14);

      // Through the year, checkpoint by checkpoint.
      const times = [...new Set(expected.map((e) => e.at.getTime()))];
      for (const time of times) {
        const due = expected.filter((e) => e.at.getTime() === time);
        await advanceTo(new Date(time - MINUTE));
        for (const e of due)
          expect(await mailsWith(e.subject), `${e.subject} before ${new Date(time).toISOString()}`).toEqual([]);
        await advanceTo(new Date(time + MINUTE));
        for (const e of due) {
          await eventually(
            async () => (await mailsWith(e.subject)).length >= e.to.length,
            `${e.subject} on ${new Date(time).toISOString()}`,
          );
        }
      }
      await advanceTo(new Date(times.at(-1)! + 60 * MINUTE));

      // Each mail reached each of its people once.
      for (const e of expected)
        expect((await mailsWith(e.subject)).flatMap((m) => m.to).sort(), e.subject).toEqual([...e.to].sort());
      const deliveries = (await catcher.list()).flatMap((m) => m.to.map((to) => `${m.messageId} ${to}`));
      expect(deliveries.length).toBe(new Set(deliveries).size);

      // The polls closed by the rule, their meetings at the reference's chosen days, moved.
      for (const ref of [JOURNEE, PEDT]) {
        const poll = await db.prisma.poll.findFirstOrThrow({
          where: { conventionId, key: ref.key },
          include: { meeting: true },
        });
        expect(poll).toMatchObject({ status: 'clos', chosenBy: 'regle' });
        expect(poll.meeting!.startsAt).toEqual(atLocalTime(moved(ref.chosen), 9, 0, ZONE));
      }

      // The invitations: French, Paris times, an iCalendar REQUEST that two independent parsers read alike.
      for (const ref of [JOURNEE, PEDT]) {
        const poll = await db.prisma.poll.findFirstOrThrow({
          where: { conventionId, key: ref.key },
          include: { meeting: true },
        });
        const meeting = poll.meeting!;
        const [convocation] = (await catcher.list()).filter((m) => m.subject.startsWith(`Convocation : ${poll.title}`));
        const mail = await parsed(convocation!);
        const clock = (at: Date) => formatFrench(at, ZONE, { withTime: true }).split(' à ')[1];
        expect(clock(meeting.startsAt)).toBe('09 h 00');
        expect(mail.text).toContain(`Vous êtes convié(e) à la réunion « ${poll.title} »`);
        expect(mail.text).toContain(
          `Date : ${formatFrench(meeting.startsAt, ZONE)}, de ${clock(meeting.startsAt)} à ${clock(meeting.endsAt)}`,
        );
        if (poll.location) expect(mail.text).toContain(poll.location);
        const ics = mail.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8');
        const vcalendar = new ICAL.Component(ICAL.parse(ics));
        expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
        const vevent = vcalendar.getFirstSubcomponent('vevent')!;
        const dtstart = vevent.getFirstProperty('dtstart')!;
        expect(dtstart.getParameter('tzid')).toBe(ZONE);
        // ical.js: the Paris wall clock as written; node-ical: the instant it resolves it to.
        expect((dtstart.getFirstValue() as ICAL.Time).toString()).toBe(`${dateKey(moved(ref.chosen))}T09:00:00`);
        const [event] = Object.values(nodeIcal.sync.parseICS(ics)).filter(
          (c): c is nodeIcal.VEvent => c?.type === 'VEVENT',
        );
        expect(event!.start.toISOString()).toBe(meeting.startsAt.toISOString());
        expect(event!.end!.toISOString()).toBe(meeting.endsAt.toISOString());
        expect(String(event!.summary)).toBe(poll.title);
      }
    },
  );
});
