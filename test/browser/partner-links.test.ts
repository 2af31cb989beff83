import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../client/http/app.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { createRsvpSignaller } from '../../client/signal-rsvp.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal } from '../../domain/paris-time.js';
import type { Database } from '../../infra/database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/load-demo.js';
import { resolveActor } from '../../store/resolve-actor.js';
import { meetingStateQuery } from '../../workflows/meeting-definitions.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

// A partner acts from the mail, in headless Chromium: the signed links come from the mails the
// real worker sent to the catcher; the app listens on a real port; the meeting and the poll run
// on the dev server.

const ZONE = 'Europe/Paris';
const ORGANISER = { email: 'directrice.education@example.org', appRole: 'cooperateur' };
const CAF = 'caf.conseiller-territorial@example.org';
const MSA = 'msa.travailleur-social@example.org';

describe('a partner answers from the links of the mails (headless Chromium)', () => {
  const browser = useBrowser();
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    stack = await startTestWorker(env, db, 'browser-partner');
    await loadDemo(db.prisma);
    app = buildHttpApp({
      client: env.client,
      prisma: db.prisma,
      taskQueue: stack.taskQueue,
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl, onRsvp: createRsvpSignaller(env.client) },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  /** The link after `label : ` in the text of the first caught mail to `to` whose subject starts so. */
  async function linkFromMail(subjectStart: string, to: string, label: string): Promise<string> {
    const message = await eventually(
      async () => (await stack.catcher.list()).find((m) => m.subject.startsWith(subjectStart) && m.to.includes(to)),
      `the mail « ${subjectStart} » to ${to}`,
      60_000,
    );
    const text = (await simpleParser((await stack.catcher.readRaw(message.id))!)).text ?? '';
    const link = new RegExp(`${label} : (\\S+)`).exec(text)?.[1];
    expect(link, text).toMatch(new RegExp(`^${TEST_LINKS.publicUrl}/`));
    return base + link!.slice(TEST_LINKS.publicUrl.length);
  }

  it('answers an invitation: the page asks, the button records, the workflow knows', async () => {
    const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    const actor = await resolveActor(db.prisma, conventionId, ORGANISER.email, ORGANISER.appRole);
    const startsAt = atLocalTime(toLocal(addLocalDays(new Date(), 12), ZONE), 14, 0);
    const meeting = await scheduleMeeting(
      { client: env.client, prisma: db.prisma, taskQueue: stack.taskQueue },
      conventionId,
      { instance: 'cotech', title: 'COTECH du navigateur', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString() },
      actor,
      { timing: { agendaQuietMs: 300 } },
    );
    const link = await linkFromMail('Convocation : ', CAF, 'Je participerai');

    const page = await browser.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Confirmer votre réponse');
    await expectNoSeriousAxeViolations(page);
    // Opening the page records nothing (mail scanners open links too).
    expect(await db.prisma.invitation.findFirstOrThrow({ where: { meetingId: meeting.meetingId, person: { email: CAF } } })).toMatchObject({ partstat: 'NEEDS-ACTION' });

    await page.getByRole('button', { name: 'Confirmer : je participerai' }).click();
    await page.waitForURL(link);
    expect(await page.locator('h1').textContent()).toBe('Réponse enregistrée');
    expect(await page.locator('main').textContent()).toContain('Votre réponse : Je participerai');
    await expectNoSeriousAxeViolations(page);
    expect(await db.prisma.invitation.findFirstOrThrow({ where: { meetingId: meeting.meetingId, person: { email: CAF } } })).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'link' });
    await eventually(async () => (await env.client.workflow.getHandle(meeting.workflowId).query(meetingStateQuery)).rsvp[CAF] === 'ACCEPTED', 'the workflow to know');

    await env.client.workflow.getHandle(meeting.workflowId).terminate('fin du test');
  });

  it('votes in a date poll: one answer per date, the sign-up, and the page says it is recorded', async () => {
    const today = toLocal(new Date(), ZONE);
    const deadlineDay = nextOpenDay(shiftDate(today, 3), null).date;
    const first = nextOpenDay(shiftDate(deadlineDay, 10), null).date;
    const second = nextOpenDay(shiftDate(first, 1), null).date;
    const created = await app.inject({
      method: 'POST',
      url: '/api/polls',
      payload: {
        instance: 'cotech',
        title: 'COTECH à choisir',
        deadline: atLocalTime(deadlineDay, 12, 0, ZONE).toISOString(),
        participants: [CAF, MSA],
        actor: ORGANISER,
        options: [
          { kind: 'journee', date: dateKey(first) },
          { kind: 'creneau', date: dateKey(second), start: '14:00', end: '16:00', capacity: 1 },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const poll = created.json<{ pollId: string; workflowId: string; options: Array<{ id: string; label: string }> }>();
    const link = await linkFromMail('Sondage de date : COTECH à choisir', CAF, 'Répondre au sondage');

    const page = await browser.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    await expectNoSeriousAxeViolations(page);
    const [A, B] = poll.options;
    await page.getByRole('group', { name: A!.label }).getByRole('radio', { name: 'Oui' }).check();
    await page.getByRole('group', { name: B!.label }).getByRole('radio', { name: 'Si nécessaire' }).check();
    await page.getByRole('checkbox', { name: /Je m’inscris pour cette date/ }).check();
    await page.getByRole('button').click();
    await page.waitForLoadState();
    expect(await page.locator('main').textContent()).toContain('Vos réponses sont enregistrées');
    await expectNoSeriousAxeViolations(page);

    const votes = await db.prisma.vote.findMany({ where: { option: { pollId: poll.pollId } }, orderBy: { option: { position: 'asc' } } });
    expect(votes.map((v) => [v.voterEmail, v.answer, v.volunteer])).toEqual([
      [CAF, 'oui', false],
      [CAF, 'si_necessaire', true],
    ]);
    await env.client.workflow.getHandle(poll.workflowId).terminate('fin du test');
  });
});
