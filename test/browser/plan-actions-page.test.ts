import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { signedInPage, startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectUsablePage, useBrowser } from '../helpers/browser.js';

// The plan d'actions through its page only, in headless Chromium on the demo convention: the
// coopérateur finds it in the menu, opens it and takes the writing steps; a step sent from a page
// left open after it was taken is refused in French; the Bureau's secretary alone gets the Bureau's
// decision, is told beside the comment that sending the plan back needs one, sends it back with it,
// then validates it and records its presentation to the conseil. A member of the COPIL only reads.
// Each state fits 360 px and passes axe.

const COOPERATEUR = DEMO_PEOPLE.cooperateur.email;
/** The secretary of the Bureau communautaire and of the conseil communautaire. */
const SECRETARIAT = DEMO_PEOPLE.secretaireBureau.email;
const MEMBRE = DEMO_PEOPLE.membre.email;
const DECISION = 'Enregistrer la décision du Bureau';
const SUBMIT = 'Transmettre le plan au Bureau communautaire';
const COMMENT = 'Commentaire (obligatoire si le plan est à reprendre : ce qui est à reprendre)';

describe('the plan d’actions page’s forms (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  const workflowIds: string[] = [];

  beforeAll(async () => {
    running = await startBrowserApp('browser-plan-actions');
  }, 120_000);

  afterAll(async () => {
    await running?.terminate(workflowIds);
    await running?.stop();
  }, 120_000);

  const open = (email: string) => signedInPage(running, browser, email);
  const visit = async (page: Page) => {
    await page.goto(`${running.base}/plan-actions`);
  };
  const stageOf = (page: Page) => page.getByText(/^État du plan : /).textContent();
  /** Presses the step's button and waits for the page it leads back to. */
  async function take(page: Page, button: string, done: string): Promise<void> {
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL((url) => url.pathname === '/plan-actions' && url.searchParams.get('fait') === done);
  }
  const buttons = (page: Page) => page.locator('main form button').allTextContents();

  it(
    'takes the plan from its opening to the conseil, each step by whom the rules name',
    { timeout: 240_000 },
    async () => {
      const coop = await open(COOPERATEUR);
      const secretariat = await open(SECRETARIAT);
      const membre = await open(MEMBRE);

      // From the menu, beside the convention's other pages.
      await coop.goto(`${running.base}/`);
      const menu = coop.getByRole('navigation', { name: 'Navigation principale' });
      await menu.getByRole('link', { name: 'Plan d’actions' }).click();
      await coop.waitForURL(`${running.base}/plan-actions`);
      expect(await menu.getByRole('link', { name: 'Plan d’actions' }).getAttribute('aria-current')).toBe('page');
      expect(await stageOf(coop)).toMatch(/pas encore ouvert/);
      await expectUsablePage(coop);

      // Only a coopérateur (or an admin) opens it.
      await visit(membre);
      expect(await buttons(membre)).not.toContain('Ouvrir le plan d’actions 2023-2027');
      expect(await membre.locator('main').textContent()).toContain(
        'Le plan d’actions n’est pas encore ouvert : un coopérateur l’ouvre.',
      );
      await take(coop, 'Ouvrir le plan d’actions 2023-2027', 'ouvert');
      const plan = await running.db.prisma.planActions.findFirstOrThrow();
      workflowIds.push(plan.workflowId!);
      expect(await coop.getByRole('status').textContent()).toBe(
        'Le plan d’actions est ouvert : il est en élaboration avec le groupe d’élaboration.',
      );
      expect(await stageOf(coop)).toMatch(/en élaboration avec le groupe d’élaboration/);
      expect(await buttons(coop)).toEqual(['Clore l’élaboration avec le groupe']);
      await expectUsablePage(coop);

      // Those who may not take the stage's step get none, and are told whom the plan waits for.
      for (const reader of [membre, secretariat]) {
        await visit(reader);
        expect(await buttons(reader)).toEqual([]);
        expect(await reader.locator('main p.waiting').textContent()).toBe(
          'En attente du groupe d’élaboration du plan d’actions : achever l’élaboration du plan d’actions.',
        );
      }

      await take(coop, 'Clore l’élaboration avec le groupe', 'finishElaboration');
      expect(await stageOf(coop)).toMatch(/en écriture/);
      expect(await coop.getByRole('status').textContent()).toBe(
        'L’élaboration est close : le plan d’actions est en écriture.',
      );

      // A page left open after the step was taken elsewhere: the stage refuses it, in French.
      const stale = await open(COOPERATEUR);
      await visit(stale);
      await take(coop, SUBMIT, 'submitToBureau');
      expect(await stageOf(coop)).toMatch(/en attente de la validation du Bureau communautaire/);
      expect(await buttons(coop)).toEqual([]);
      const refused = stale.waitForResponse((r) => r.url().endsWith('/etapes/submitToBureau'));
      await stale.getByRole('button', { name: SUBMIT }).click();
      expect((await refused).status()).toBe(409);
      expect(await stale.getByRole('alert').textContent()).toBe(
        'Le plan d’actions est en attente de la validation du Bureau communautaire : on ne peut pas transmettre ' +
          'le plan d’actions au Bureau communautaire, ce qui se fait quand il est en écriture.',
      );
      expect(await buttons(stale)).toEqual([]);
      await expectUsablePage(stale);

      // The Bureau's secretary sends it back: without saying what to take up again, refused beside the comment.
      await visit(secretariat);
      await secretariat.getByRole('radio', { name: 'à reprendre' }).check();
      const sentBackBare = secretariat.waitForResponse((r) => r.url().endsWith('/etapes/recordBureauDecision'));
      await secretariat.getByRole('button', { name: DECISION }).click();
      expect((await sentBackBare).status()).toBe(400);
      const comment = secretariat.getByLabel(COMMENT);
      expect(await comment.getAttribute('aria-invalid')).toBe('true');
      const why = 'Dites ce qui est à reprendre (« comment ») : les rédacteurs du plan le liront.';
      await expect(
        secretariat.locator(`#${await comment.getAttribute('aria-describedby')}`).textContent(),
      ).resolves.toBe(why);
      expect(await secretariat.getByRole('alert').textContent()).toBe(why);
      expect(await secretariat.getByRole('radio', { name: 'à reprendre' }).isChecked()).toBe(true);
      await expectUsablePage(secretariat);
      await comment.fill('Chiffrer les actions de l’enjeu 2.');
      await take(secretariat, DECISION, 'recordBureauDecision');
      expect(await stageOf(secretariat)).toMatch(/en écriture/);

      // The writers read why, and send it again; the Bureau validates it.
      await visit(coop);
      expect(await coop.locator('main').textContent()).toContain(
        'Le Bureau communautaire a renvoyé le plan à l’écriture : « Chiffrer les actions de l’enjeu 2. »',
      );
      await take(coop, SUBMIT, 'submitToBureau');
      await visit(secretariat);
      await secretariat.getByRole('radio', { name: 'validé' }).check();
      await take(secretariat, DECISION, 'recordBureauDecision');
      expect(await stageOf(secretariat)).toMatch(/validé par le Bureau communautaire/);
      await visit(coop);
      expect(await buttons(coop)).toEqual([]);

      // Its presentation to the conseil, by the conseil's secretary: then no step is left.
      await take(secretariat, 'Enregistrer la présentation au conseil communautaire', 'recordPresentation');
      expect(await stageOf(secretariat)).toMatch(/présenté au conseil communautaire/);
      expect(await secretariat.locator('main').textContent()).toContain(
        'Le plan d’actions est présenté : il n’attend plus aucune étape.',
      );
      expect(await buttons(secretariat)).toEqual([]);
      const steps = secretariat.locator('main ol li');
      expect(await steps.count()).toBe(6);
      await expect(steps.nth(2).textContent()).resolves.toMatch(
        /Décision du Bureau communautaire : à reprendre \(secretariat\.assemblees@example\.org\)Chiffrer/,
      );
      await expectUsablePage(secretariat);
      const recorded = await running.db.prisma.planActions.findUniqueOrThrow({ where: { id: plan.id } });
      expect(recorded.stage).toBe('presentee');
      // Its workflow ends once the plan is presented (its last mails sent).
      const ended = await running.env.client.workflow.getHandle(plan.workflowId!).result();
      expect(ended.lifecycle.stage).toBe('presentee');
    },
  );
});
