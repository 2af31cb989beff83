import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { proxyLink } from '../../infra/links/signed-links.js';
import { findActor } from '../../store/access/find-actor.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import { signedInPage, startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectUsablePage, useBrowser } from '../helpers/browser.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';

// The pages of suppléants, pouvoirs and durations, in headless Chromium at 360 px with axe: the
// secretary gives the ordre du jour's items durations (a wrong one refused beside its field, start
// times shown); a member who declined gives a pouvoir through the link of their mail (a holder at
// the instance's limit cannot be chosen); once the meeting begins, the séance's page shows the
// pouvoir pre-filled and counts it, live, as the domain does.

const SECRETARY = DEMO_PEOPLE.secretaire.email;
const TITLE = 'COTECH des pouvoirs';

describe('durations, the pouvoir page and the séance’s count (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let page: Page;
  let conventionId: string;
  let workflowId = '';

  beforeAll(async () => {
    running = await startBrowserApp('browser-meeting-seats');
    conventionId = (await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  });

  afterAll(async () => {
    if (workflowId)
      await running.env.client.workflow
        .getHandle(workflowId)
        .terminate('fin du test')
        .catch(() => undefined);
    await running?.stop();
  });

  async function checked(): Promise<string> {
    await expectUsablePage(page);
    return (await page.locator('main').textContent()) ?? '';
  }

  it('durations on the agenda, a pouvoir given by link, counted on the séance’s page', async () => {
    const startsAt = new Date(Date.now() + 45_000);
    const secretary = await findActor(running.db.prisma, conventionId, { email: SECRETARY });
    const store = createStore(running.db.prisma);
    const meeting = await scheduleMeeting(
      { client: running.env.client, store, taskQueue: running.stack.taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title: TITLE,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Test : réunion imminente' },
        agenda: [{ title: 'Point d’information' }, { title: 'Questions diverses' }],
      },
      secretary,
      { timing: { agendaQuietMs: 300, agendaUpdateQuietMs: 300 } },
    );
    workflowId = meeting.workflowId;
    await eventually(
      async () =>
        (await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.meetingId } })).status ===
        'convoquee',
      'the convocation',
      30_000,
    );

    page = await signedInPage(running, browser, SECRETARY);
    await page.goto(`${running.base}/reunions/${meeting.meetingId}/ordre-du-jour`);
    await checked();
    await page.getByLabel('Durée en minutes : Point d’information').fill('500');
    await page.getByRole('button', { name: 'Enregistrer la durée' }).first().click();
    expect(await page.locator('.failed').first().textContent()).toMatch(/de 1 à 480 minutes/);
    await checked();
    await page.getByLabel('Durée en minutes : Point d’information').fill('20');
    await page.getByRole('button', { name: 'Enregistrer la durée' }).first().click();
    await page.waitForURL(/ordre-du-jour\?fait=ordre$/);
    const text = await checked();
    expect(text).toMatch(/Point d’information \(20 min\)/);
    expect(text).toMatch(/— Questions diverses/);

    // A member declines and opens their pouvoir link; the secretary will hold it.
    const members = (await store.meetings.findForPage(meeting.meetingId))!.invitations.map((i) => i.person.email);
    const giver = members.find((m) => m !== SECRETARY)!;
    const link = proxyLink({ ...TEST_LINKS, meetingId: meeting.meetingId, email: giver, expiresAt: startsAt });
    // A page of its own, signed in as nobody: the link is all it has.
    page = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${running.base}${link.slice(TEST_LINKS.publicUrl.length)}`);
    expect(await page.locator('h1').textContent()).toBe('Donner pouvoir');
    await checked();
    await page.getByRole('button', { name: 'Donner pouvoir' }).click();
    expect(await page.locator('#erreur').textContent()).toContain('Choisissez le membre qui votera en votre nom.');
    await checked();
    const holderName = (await running.db.prisma.person.findUniqueOrThrow({ where: { email: SECRETARY } })).displayName;
    await page.getByLabel(holderName).check();
    await page.getByRole('button', { name: 'Donner pouvoir' }).click();
    expect(await page.locator('h1').textContent()).toBe('Pouvoir enregistré');
    await checked();

    // On the day, the séance's page shows the pouvoir with its holder and counts it.
    await eventually(async () => Date.now() > startsAt.getTime() + 1000, 'the meeting begun', 60_000);
    page = await signedInPage(running, browser, SECRETARY);
    await page.goto(`${running.base}/reunions/${meeting.meetingId}/seance`);
    await checked();
    const quorum = page.locator('#quorum');
    expect(await quorum.textContent()).toMatch(/0 présent, 1 pouvoir — quorum non atteint/);
    const rows = await page.locator('form[data-seats] fieldset').count();
    const giverRow = await page
      .locator('input[name^="membre-"]')
      .evaluateAll(
        (inputs, email) => inputs.findIndex((input) => (input as unknown as { value: string }).value === email),
        giver,
      );
    expect(await page.locator(`input[name="statut-${giverRow}"][value="pouvoir"]`).isChecked()).toBe(true);
    expect(await page.locator(`select[name="pouvoir-${giverRow}"]`).inputValue()).toBe(SECRETARY);
    for (let i = 0; i < rows; i += 1)
      if (i !== giverRow) await page.locator(`input[name="statut-${i}"][value="present"]`).check();
    expect(await quorum.textContent()).toMatch(
      new RegExp(`${rows - 1} présents, 1 pouvoir — quorum atteint \\(\\d+ requis sur \\d+ sièges\\)`),
    );
  });
});
