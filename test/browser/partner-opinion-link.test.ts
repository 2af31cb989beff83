import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFiche } from '../../client/start-fiche.js';
import { takeStep } from '../../client/fiche-steps.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { resolveDemoPeople, type DemoPeople } from '../../store/conventions/demo-people.js';
import { opinionLink } from '../../infra/links/signed-links.js';
import { createStore } from '../../store/index.js';
import { editContentUpdate, ficheStateQuery, meetingScheduledSignal } from '../../workflows/definitions.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';

// A CAF referent with no account gives the CAF's opinion from the mail the fiche's workflow sent,
// in headless Chromium at 360 px: the link comes from the catcher, the app listens on a real port,
// the fiche's workflow runs on the dev server and records the opinion.

describe('a partner gives its opinion from the link of the mail (headless Chromium)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let people: DemoPeople;
  let workflowId: string | undefined;

  beforeAll(async () => {
    running = await startBrowserApp('browser-opinion');
  });

  afterAll(async () => {
    if (workflowId)
      await running.env.client.workflow
        .getHandle(workflowId)
        .terminate('fin du test')
        .catch(() => undefined);
    await running?.stop();
  });

  /** The page is French, has one h1, fits 360 px and passes axe. */
  async function checkPage(page: Page): Promise<void> {
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectNoSeriousAxeViolations(page);
  }

  it('shows the fiche, records a réservé opinion with a comment, then says the link was used', async () => {
    const { prisma } = running.db;
    const conventionId = (await prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    people = await resolveDemoPeople(prisma, conventionId);
    const { ficheId, handle } = await startFiche(
      { client: running.env.client, store: createStore(prisma), taskQueue: running.stack.taskQueue },
      conventionId,
      { title: 'Ludothèque itinérante', authorEmail: people.cooperateur.email },
      people.cooperateur.email,
    );
    workflowId = handle.workflowId;
    const code = await eventually(async () => (await handle.query(ficheStateQuery)).code, 'the fiche recorded');
    await handle.executeUpdate(editContentUpdate, {
      args: [{ actor: people.cooperateur, edit: { publicVise: 'Familles des communes rurales' } }],
    });
    await takeStep(handle, 'submit', { actor: people.cooperateur });
    // The COTECH meets a moment later and finds the fiche favorable: the COPIL now waits for the partners.
    const cotech = await prisma.instance.findFirstOrThrow({ where: { conventionId, kind: 'cotech' } });
    const startsAt = new Date(Date.now() + 1500);
    const meeting = await prisma.meeting.create({
      data: {
        conventionId,
        instanceId: cotech.id,
        title: 'COTECH du navigateur',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 7_200_000),
        status: 'planifiee',
        icalUid: `${ficheId}-cotech@concerto.test`,
      },
    });
    await handle.signal(meetingScheduledSignal, { instanceKind: 'cotech' });
    await eventually(
      async () => (await handle.query(ficheStateQuery)).agenda?.meetingId === meeting.id,
      'the fiche on the agenda',
    );
    await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 300);
    await takeStep(handle, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' });

    const link = await running.linkFromMail(
      `Avis de la CAF demandé sur la fiche ${code}`,
      people.caf.email,
      'Donner l’avis de la CAF',
    );
    const page = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe(`Avis de la CAF sur la fiche ${code}`);
    const main = page.locator('main');
    expect(await main.textContent()).toContain('Ludothèque itinérante');
    expect(await main.textContent()).toContain('Familles des communes rurales');
    await checkPage(page);
    // Opening the page records nothing (mail scanners open links too).
    expect((await handle.query(ficheStateQuery)).lifecycle.review?.partnerOpinions.caf).toBeUndefined();

    // Réservé without a comment: refused beside the comment, and the link still serves.
    await page.getByRole('radio', { name: 'réservé' }).check();
    await page.getByRole('button', { name: 'Enregistrer l’avis de la CAF' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#comment-err').textContent()).toContain('ajoutez un commentaire');
    expect(await page.getByRole('radio', { name: 'réservé' }).isChecked()).toBe(true);
    await checkPage(page);

    await page.getByLabel('Commentaire').fill('Préciser le cofinancement par la CAF.');
    await page.getByRole('button', { name: 'Enregistrer l’avis de la CAF' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Avis de la CAF enregistré');
    expect(await page.getByRole('status').textContent()).toContain('réservé');
    await checkPage(page);
    const opinion = (await handle.query(ficheStateQuery)).lifecycle.review?.partnerOpinions.caf;
    expect(opinion).toMatchObject({
      opinion: 'reserve',
      by: people.caf.email,
      comment: 'Préciser le cofinancement par la CAF.',
    });
    // The workflow took it as the API's step: its history and the author's notice.
    expect((await handle.query(ficheStateQuery)).lifecycle.history.at(-1)).toMatchObject({
      action: 'recordPartnerOpinion',
      partner: 'caf',
      outcome: 'reserve',
    });

    // The same link again: used, and it says when.
    const again = await browser.newPage();
    await again.setViewportSize({ width: 360, height: 800 });
    expect((await again.goto(link))?.status()).toBe(409);
    expect(await again.locator('h1').textContent()).toBe('Lien déjà utilisé');
    expect(await again.locator('main').textContent()).toMatch(/Il a été utilisé le \w+ \d+/);
    await checkPage(again);
    // Another CAF referent's link: the CAF's opinion is no longer awaited.
    const referents = await prisma.person.findMany({
      where: { structure: { kind: 'caf' }, memberships: { some: { instance: { conventionId } } } },
    });
    // The demo seats two people of the CAF: the other one was asked too.
    const other = referents.find((p) => p.email !== people.caf.email);
    expect(other, 'a second CAF referent in the demo').toBeDefined();
    const otherLink = await running.linkFromMail(
      `Avis de la CAF demandé sur la fiche ${code}`,
      other!.email,
      'Donner l’avis de la CAF',
    );
    expect((await again.goto(otherLink))?.status()).toBe(409);
    expect(await again.locator('h1').textContent()).toBe('Avis déjà enregistré');
    await checkPage(again);

    // A link past its day: expired.
    const expired = opinionLink({
      ...TEST_LINKS,
      ficheId,
      version: 1,
      partner: 'msa',
      email: people.msa.email,
      expiresAt: new Date(Date.now() - 60_000),
    });
    expect((await again.goto(running.base + expired.slice(TEST_LINKS.publicUrl.length)))?.status()).toBe(410);
    expect(await again.locator('h1').textContent()).toBe('Lien expiré');
    await checkPage(again);
    // The fiche withdrawn: the MSA's link from the mail says its opinion is no longer awaited.
    const msaLink = await running.linkFromMail(
      `Avis de la MSA demandé sur la fiche ${code}`,
      people.msa.email,
      'Donner l’avis de la MSA',
    );
    await takeStep(handle, 'withdraw', { actor: people.cooperateur, reason: 'Fin du test' });
    expect((await again.goto(msaLink))?.status()).toBe(410);
    expect(await again.locator('h1').textContent()).toBe('Avis plus attendu');
    expect(await again.locator('main').textContent()).toContain('retirée');
    await checkPage(again);
  });
});
