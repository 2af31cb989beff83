import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';

// A fiche's page, through the pages only, in headless Chromium on the demo convention: the
// coopérateur writes the whole content (a wrong amount is shown beside its field, with what was
// typed, then fixed) and submits it; a second, stale submission is refused in French; the COTECH's
// avis form shows to the COTECH's secretary only, and its refusals too; a draft withdrawn needs its
// reason, then admits no step. Each state is checked with axe, at 360 px wide.

const COOPERATEUR = DEMO_PEOPLE.cooperateur.email;
const SECRETAIRE = DEMO_PEOPLE.secretaire.email;
const AVIS_BUTTON = 'Enregistrer l’avis du COTECH';
const SUBMIT_BUTTON = 'Soumettre la fiche au COTECH';

describe('the fiche page’s forms (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let ficheId: string;
  const workflowIds: string[] = [];

  beforeAll(async () => {
    running = await startBrowserApp('browser-fiche-pages');
  });

  afterAll(async () => {
    await running?.terminate(workflowIds);
    await running?.stop();
  });

  /** A page of a browser signed in as `email` (the sign-in by link has its own test), 360 px wide. */
  async function signedIn(email: string): Promise<Page> {
    const page = await browser.newPage();
    await running.openSession(page, email);
    await page.setViewportSize({ width: 360, height: 800 });
    return page;
  }

  /** The page is French, has one h1, fits 360 px and passes axe. */
  async function checkPage(page: Page): Promise<void> {
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').count()).toBe(1);
    const wide = await page.evaluate(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 360)` +
        `.map((e) => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5).join(' ')`,
    );
    expect(wide, 'elements wider than 360 px').toBe('');
    await expectNoSeriousAxeViolations(page);
  }

  const onFiche = (page: Page, done: string) =>
    page.waitForURL((url) => url.pathname === `/fiches/${ficheId}` && url.searchParams.get('fait') === done);

  /** Drafts a fiche from the dashboard's form; its page is open. */
  async function draft(page: Page, title: string, gtt?: string): Promise<string> {
    await page.goto(`${running.base}/`);
    await page.getByLabel('Titre de la fiche').fill(title);
    if (gtt) await page.getByLabel('Groupe de travail (GTT)').selectOption(gtt);
    await page.getByRole('button', { name: 'Créer le brouillon' }).click();
    await page.waitForURL(/\/fiches\/[0-9a-f-]+\?fait=creee$/);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const row = await running.db.prisma.ficheAction.findUniqueOrThrow({ where: { id } });
    if (row.workflowId) workflowIds.push(row.workflowId);
    return id;
  }

  it('the coopérateur writes the content, an error shown beside its field and fixed, then submits', async () => {
    const page = await signedIn(COOPERATEUR);
    // The coopérateur sits in no GTT: the form proposes none, and the GTT chosen drafts the fiche.
    await page.goto(`${running.base}/`);
    await expect(page.getByLabel('Groupe de travail (GTT)').inputValue()).resolves.toBe('');
    ficheId = await draft(page, 'Ludothèque itinérante', 'gtt-2');
    await expect(page.locator('dt:text-is("Groupe de travail") + dd').textContent()).resolves.toBe(
      'GTT2 — Enfance (3-12 ans)',
    );
    await checkPage(page);
    expect(await page.getByRole('button', { name: AVIS_BUTTON }).count()).toBe(0);

    // The convention's tree, its members and the structures are the choices.
    const enjeu = page.getByLabel('Enjeu', { exact: true });
    const enjeuCode = await enjeu.locator('option').nth(1).getAttribute('value');
    await enjeu.selectOption(enjeuCode!);
    await page.locator('input[name^="objectifs."]').first().check();
    const objectif = await page.locator('input[name^="objectifs."]').first().getAttribute('value');
    await page.getByLabel('Pilote').selectOption(SECRETAIRE);
    await page.locator('input[name^="partenaires."]').first().check();
    await page.getByLabel('Public visé').fill('Familles des communes rurales');
    await page.getByLabel('Libellé de la ligne 1').fill('Animatrice');
    await page.getByLabel('Montant en euros de la ligne 1').fill('douze cents');
    await page.getByLabel('Financeur de la ligne 1').fill('CAF');
    await page.getByLabel('Libellé de l’indicateur 1').fill('Familles accueillies');
    await page.getByLabel('Cible de l’indicateur 1').fill('120');
    const refused = page.waitForResponse((r) => r.url().endsWith('/contenu'));
    await page.getByRole('button', { name: 'Enregistrer le contenu' }).click();
    expect((await refused).status()).toBe(400);

    // The error beside its field, described by it; what was typed is kept.
    const amount = page.getByLabel('Montant en euros de la ligne 1');
    await expect(amount.inputValue()).resolves.toBe('douze cents');
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    const errorId = await amount.getAttribute('aria-describedby');
    await expect(page.locator(`#${errorId}`).textContent()).resolves.toBe(
      'Le montant d’une ligne de budget est un nombre d’euros.',
    );
    await expect(page.getByLabel('Public visé').inputValue()).resolves.toBe('Familles des communes rurales');
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/un champ est à corriger/);
    await checkPage(page);

    await amount.fill('1 200,50');
    await page.getByRole('button', { name: 'Enregistrer le contenu' }).click();
    await onFiche(page, 'contenu');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Le contenu de la fiche est enregistré.');
    await expect(page.getByLabel('Montant en euros de la ligne 1').inputValue()).resolves.toBe('1200,5');
    await checkPage(page);
    const version = await running.db.prisma.ficheVersion.findFirstOrThrow({
      where: { ficheId },
      include: { enjeu: true, objectifs: true, pilote: true, partenaires: true },
    });
    expect(version).toMatchObject({
      publicVise: 'Familles des communes rurales',
      budget: [{ label: 'Animatrice', amount: 1200.5, financeur: 'CAF' }],
      indicateurs: [{ label: 'Familles accueillies', target: 120 }],
      enjeu: { code: enjeuCode },
      pilote: { email: SECRETAIRE },
    });
    expect(version.objectifs.map((o) => o.code)).toEqual([objectif]);
    expect(version.partenaires).toHaveLength(1);

    // The same page open in a second tab: its submit form goes stale once the first is sent.
    const stale = await page.context().newPage();
    await stale.setViewportSize({ width: 360, height: 800 });
    await stale.goto(`${running.base}/fiches/${ficheId}`);
    await page.getByRole('button', { name: SUBMIT_BUTTON }).click();
    await onFiche(page, 'submit');
    await expect(page.getByRole('status').textContent()).resolves.toBe('La fiche est soumise au COTECH.');
    // Under review: no more content form, no avis form for the coopérateur, and what the fiche waits for.
    expect(await page.getByRole('button', { name: 'Enregistrer le contenu' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: SUBMIT_BUTTON }).count()).toBe(0);
    expect(await page.getByRole('button', { name: AVIS_BUTTON }).count()).toBe(0);
    await expect(page.locator('.waiting').textContent()).resolves.toBe(
      'En attente : le COTECH rend son avis (favorable, à retravailler ou défavorable) sur la version 1.',
    );
    await checkPage(page);

    const twice = stale.waitForResponse((r) => r.url().endsWith('/etapes/submit'));
    await stale.getByRole('button', { name: SUBMIT_BUTTON }).click();
    expect((await twice).status()).toBe(409);
    await expect(stale.getByRole('alert').first().textContent()).resolves.toMatch(
      /^La version 1 de la fiche attend l’avis du COTECH : seule une version en brouillon peut être soumise\./,
    );
    await checkPage(stale);
    expect(
      await running.db.prisma.auditEvent.count({ where: { subject: `fiche:${ficheId}`, action: 'fiche.submit' } }),
    ).toBe(1);
  });

  it('the COTECH’s secretary gets the avis form, with its refusals beside it', async () => {
    const page = await signedIn(SECRETAIRE);
    await page.goto(`${running.base}/fiches/${ficheId}`);
    expect(await page.getByRole('button', { name: SUBMIT_BUTTON }).count()).toBe(0);
    // The pilot may no longer write a draft under review: the content is read-only.
    expect(await page.getByRole('button', { name: 'Enregistrer le contenu' }).count()).toBe(0);
    expect(await page.locator('.waiting').count()).toBe(0);
    await checkPage(page);

    const avis = page.getByRole('region', { name: 'Avis du COTECH' });
    await expect(avis.textContent()).resolves.toContain(
      'La décision se prend en séance, et la fiche n’est encore inscrite à l’ordre du jour d’aucune réunion',
    );
    await avis.getByLabel('défavorable').check();
    let answer = page.waitForResponse((r) => r.url().endsWith('/etapes/recordAvis'));
    await avis.getByRole('button', { name: AVIS_BUTTON }).click();
    expect((await answer).status()).toBe(400);
    const comment = page.getByRole('region', { name: 'Avis du COTECH' }).getByLabel(/^Commentaire/);
    expect(await comment.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator(`#${await comment.getAttribute('aria-describedby')}`).textContent()).resolves.toBe(
      'Un avis « à retravailler » ou « défavorable » dit pourquoi, au GTT et au COPIL : ajoutez un commentaire.',
    );
    await expect(
      page.getByRole('region', { name: 'Avis du COTECH' }).getByLabel('défavorable').isChecked(),
    ).resolves.toBe(true);
    await checkPage(page);

    // Well formed, but the avis is given at a COTECH meeting: the workflow says so.
    await comment.fill('Public à préciser.');
    answer = page.waitForResponse((r) => r.url().endsWith('/etapes/recordAvis'));
    await page.getByRole('region', { name: 'Avis du COTECH' }).getByRole('button', { name: AVIS_BUTTON }).click();
    expect((await answer).status()).toBe(409);
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/la décision se prend en réunion/);
    await expect(
      page
        .getByRole('region', { name: 'Avis du COTECH' })
        .getByLabel(/^Commentaire/)
        .inputValue(),
    ).resolves.toBe('Public à préciser.');
    await checkPage(page);
  });

  it('the coopérateur withdraws a draft: the reason is required, then the fiche admits no step', async () => {
    const page = await signedIn(COOPERATEUR);
    ficheId = await draft(page, 'Fiche abandonnée');
    const withdraw = page.getByRole('region', { name: 'Retirer la fiche' });
    const answer = page.waitForResponse((r) => r.url().endsWith('/etapes/withdraw'));
    await withdraw.getByRole('button', { name: 'Retirer la fiche' }).click();
    expect((await answer).status()).toBe(400);
    const reason = page.getByRole('region', { name: 'Retirer la fiche' }).getByLabel('Motif du retrait');
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator(`#${await reason.getAttribute('aria-describedby')}`).textContent()).resolves.toBe(
      'Dites pourquoi la fiche est retirée (« reason ») : le motif est obligatoire.',
    );
    await checkPage(page);

    await reason.fill('Projet repris par la commune.');
    await page
      .getByRole('region', { name: 'Retirer la fiche' })
      .getByRole('button', { name: 'Retirer la fiche' })
      .click();
    await onFiche(page, 'withdraw');
    await expect(page.getByRole('status').textContent()).resolves.toBe('La fiche est retirée.');
    await expect(page.locator('.waiting').textContent()).resolves.toBe(
      'La fiche a été retirée : elle n’admet plus aucune étape.',
    );
    expect(await page.locator('main form').count()).toBe(0);
    await checkPage(page);
  });
});
