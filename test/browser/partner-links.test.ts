import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal } from '../../domain/paris-time.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { meetingStateQuery } from '../../workflows/meeting-definitions.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { tokenFor } from '../helpers/auth.js';
import { eventually } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// A partner acts from the mail, in headless Chromium: the signed links come from the mails the
// real worker sent to the catcher; the app listens on a real port; the meeting and the poll run
// on the dev server.

const ZONE = 'Europe/Paris';
const ORGANISER = { email: 'directrice.education@example.org', appRole: 'cooperateur' };
const CAF = 'caf.conseiller-territorial@example.org';
const MSA = 'msa.travailleur-social@example.org';

describe('a partner answers from the links of the mails (headless Chromium)', () => {
  const browser = useBrowser();
  let running: BrowserApp;

  beforeAll(async () => {
    running = await startBrowserApp('browser-partner');
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('answers an invitation: the page asks, the button records, the workflow knows', async () => {
    const conventionId = (
      await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })
    ).id;
    const actor = await resolveActor(running.db.prisma, conventionId, ORGANISER.email, ORGANISER.appRole);
    const startsAt = atLocalTime(nextOpenDay(toLocal(addLocalDays(new Date(), 12), ZONE), null).date, 14, 0);
    const meeting = await scheduleMeeting(
      { client: running.env.client, store: createStore(running.db.prisma), taskQueue: running.stack.taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH du navigateur',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
      },
      actor,
      { timing: { agendaQuietMs: 300 } },
    );
    const link = await running.linkFromMail('Convocation : ', CAF, 'Je participerai');

    const page = await browser.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Confirmer votre réponse');
    await expectNoSeriousAxeViolations(page);
    // Opening the page records nothing (mail scanners open links too).
    expect(
      await running.db.prisma.invitation.findFirstOrThrow({
        where: { meetingId: meeting.meetingId, person: { email: CAF } },
      }),
    ).toMatchObject({ partstat: 'NEEDS-ACTION' });

    await page.getByRole('button', { name: 'Confirmer : je participerai' }).click();
    await page.waitForURL(link);
    expect(await page.locator('h1').textContent()).toBe('Réponse enregistrée');
    expect(await page.locator('main').textContent()).toContain('Votre réponse : Je participerai');
    await expectNoSeriousAxeViolations(page);
    expect(
      await running.db.prisma.invitation.findFirstOrThrow({
        where: { meetingId: meeting.meetingId, person: { email: CAF } },
      }),
    ).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'link' });
    await eventually(
      async () =>
        (await running.env.client.workflow.getHandle(meeting.workflowId).query(meetingStateQuery)).rsvp[CAF] ===
        'ACCEPTED',
      'the workflow to know',
    );

    await running.env.client.workflow.getHandle(meeting.workflowId).terminate('fin du test');
  });

  it('votes in a date poll: one answer per date, the sign-up, and the page says it is recorded', async () => {
    const today = toLocal(new Date(), ZONE);
    const deadlineDay = nextOpenDay(shiftDate(today, 3), null).date;
    const first = nextOpenDay(shiftDate(deadlineDay, 10), null).date;
    const second = nextOpenDay(shiftDate(first, 1), null).date;
    const created = await running.app.inject({
      method: 'POST',
      url: '/api/polls',
      headers: await tokenFor(running.db.prisma, ORGANISER.email),
      payload: {
        instance: 'cotech',
        title: 'COTECH à choisir',
        deadline: atLocalTime(deadlineDay, 12, 0, ZONE).toISOString(),
        participants: [CAF, MSA],
        options: [
          { kind: 'journee', date: dateKey(first) },
          { kind: 'creneau', date: dateKey(second), start: '14:00', end: '16:00', capacity: 1 },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const poll = created.json<{ pollId: string; workflowId: string; options: Array<{ id: string; label: string }> }>();
    const link = await running.linkFromMail('Sondage de date : COTECH à choisir', CAF, 'Répondre au sondage');

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

    const votes = await running.db.prisma.vote.findMany({
      where: { option: { pollId: poll.pollId } },
      orderBy: { option: { position: 'asc' } },
    });
    expect(votes.map((v) => [v.voterEmail, v.answer, v.volunteer])).toEqual([
      [CAF, 'oui', false],
      [CAF, 'si_necessaire', true],
    ]);
    await running.env.client.workflow.getHandle(poll.workflowId).terminate('fin du test');
  });
});
