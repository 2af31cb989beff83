import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLocal } from '../../domain/paris-time.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { calendarWorkflowId } from '../../workflows/calendar-definitions.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { startRadicale } from '../helpers/radicale.js';
import { TEST_LINKS } from '../helpers/temporal.js';

// A coopérateur plans the calendar and subscribes to it through the pages only, in headless
// Chromium at 360 px wide: sets the COPIL's recurring meetings (a rule left incomplete first, each
// error beside its field), which starts the calendar; moves a milestone to Christmas Day, warned of
// the holiday before confirming, with a reason; then on « Mes agendas » copies an address, revokes
// one (its feed answers 410) and renews it (the new one answers). Every state is checked with axe.

const COOPERATEUR = DEMO_PEOPLE.cooperateur.email;
const MILESTONE = { key: 'bilan-annuel-test', title: 'Bilan annuel de la CTG (test)' };

describe('the calendar’s forms and « Mes agendas » (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let page: Page;
  let conventionId: string;
  const year = toLocal(new Date()).year;

  beforeAll(async () => {
    running = await startBrowserApp('browser-calendar-pages', { feeds: { organizerEmail: 'concerto@example.org' } });
    // Set-up: a milestone in this year's calendar (the demo's are past).
    conventionId = (await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    await running.db.prisma.milestone.create({
      data: { conventionId, ...MILESTONE, year, startDate: new Date(`${year}-12-15T00:00:00Z`) },
    });
  });

  afterAll(async () => {
    // The calendar started meetings of its own (each a workflow): every workflow of this run ends with it.
    if (running) {
      const query = `TaskQueue = '${running.stack.taskQueue}' AND ExecutionStatus = 'Running'`;
      for await (const info of running.env.client.workflow.list({ query }))
        await running.env.client.workflow
          .getHandle(info.workflowId)
          .terminate('fin du test')
          .catch(() => undefined);
    }
    await running?.stop();
  }, 180_000);

  /** The main text of the page, once axe found nothing serious and nothing is wider than 360 px. */
  async function checkedText(): Promise<string> {
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    const wider = await page.evaluate<string[]>(
      `[...document.querySelectorAll('body *')].filter((e) => !e.closest('.scroll'))` +
        `.filter((e) => e.getBoundingClientRect().right > 360)` +
        `.map((e) => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right))`,
    );
    expect(wider).toEqual([]);
    await expectNoSeriousAxeViolations(page);
    return (await page.locator('main').textContent()) ?? '';
  }

  /** A feed address as this app serves it (the pages write the public address). */
  const served = (address: string) => fetch(running.base + address.slice(TEST_LINKS.publicUrl.length));

  it('sets the conseil communautaire’s rules: errors beside fields, then saved, starting the calendar', async () => {
    page = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    await running.signIn(page, COOPERATEUR);

    await page.goto(`${running.base}/calendrier`);
    await checkedText();
    await page.getByRole('link', { name: 'Règles des réunions régulières' }).click();
    expect(await page.locator('h1').textContent()).toBe('Règles des réunions régulières');
    await checkedText();
    // The demo's COTECH rule is shown as stored.
    expect(await page.locator('#f-cotech-frequence').inputValue()).toBe('quarter');
    expect(await page.locator('#f-cotech-heure').inputValue()).toBe('14:00');

    // The conseil communautaire (no rule in the demo) every month, its day left out: refused, each error
    // beside its field, nothing saved.
    await page.locator('#f-conseil-communautaire-frequence').selectOption('month');
    await page.locator('#f-conseil-communautaire-heure').fill('10:00');
    await page.getByRole('button', { name: 'Enregistrer les règles' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/Les règles n’ont pas été enregistrées/);
    expect(await page.locator('#f-conseil-communautaire-jour-err').textContent()).toMatch(/jour/i);
    expect(await page.locator('#f-conseil-communautaire-duree').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-conseil-communautaire-heure').inputValue()).toBe('10:00');
    await checkedText();
    const conseil = () =>
      running.db.prisma.instance.findFirstOrThrow({ where: { conventionId, slug: 'conseil-communautaire' } });
    expect((await conseil()).meetingRule).toBeNull();

    await page.locator('#f-conseil-communautaire-rang').selectOption('2');
    await page.locator('#f-conseil-communautaire-jour').selectOption('jeudi');
    await page.locator('#f-conseil-communautaire-duree').fill('120');
    await page.locator('#f-conseil-communautaire-sauf-7').check();
    await page.getByRole('button', { name: 'Enregistrer les règles' }).click();
    await page.waitForURL(/\/calendrier\?convention=[^&]+&fait=regles$/);
    expect(await page.getByRole('status').textContent()).toMatch(/Les règles des réunions sont enregistrées/);
    await checkedText();
    expect((await conseil()).meetingRule).toEqual({
      frequency: { every: 'month' },
      weekday: 'jeudi',
      nth: 2,
      time: '10:00',
      durationMinutes: 120,
      skipMonths: [8],
    });
    const calendar = await running.env.client.workflow.getHandle(calendarWorkflowId(conventionId)).describe();
    expect(calendar.status.name).toBe('RUNNING');
  }, 180_000);

  it('moves a milestone to Christmas Day: the holiday shown before confirming, a reason asked for', async () => {
    await page.goto(`${running.base}/calendrier?convention=${DEMO_CONVENTION_SLUG}&mois=${year}-12`);
    await page.getByRole('link', { name: `Déplacer le jalon « ${MILESTONE.title} »` }).click();
    expect(await page.locator('h1').textContent()).toBe('Déplacer le jalon');
    await checkedText();

    await page.getByLabel('Nouvelle date').fill(`${year}-12-25`);
    await page.getByRole('button', { name: 'Vérifier la date' }).click();
    let text = await checkedText();
    expect(text).toMatch(/Vérification de la date/);
    expect(text).toMatch(/tombe un jour non ouvré \(Noël \(jour férié\)\)/);
    const stored = () => running.db.prisma.milestone.findFirstOrThrow({ where: { conventionId, key: MILESTONE.key } });
    expect((await stored()).startDate.toISOString().slice(0, 10)).toBe(`${year}-12-15`);

    // Confirming without a reason: refused beside it.
    await page.getByRole('button', { name: 'Déplacer le jalon' }).click();
    expect(await page.locator('#f-motif-err').textContent()).toMatch(/Dites pourquoi le jalon est déplacé/);
    await checkedText();
    expect((await stored()).startDate.toISOString().slice(0, 10)).toBe(`${year}-12-15`);

    await page.getByLabel(/Motif du déplacement/).fill('Le bilan se tient le jour de la fête de fin d’année.');
    await page.getByRole('button', { name: 'Déplacer le jalon' }).click();
    await page.waitForURL(new RegExp(`/calendrier\\?convention=[^&]+&mois=${year}-12&fait=jalon$`));
    text = await checkedText();
    expect(await page.getByRole('status').textContent()).toMatch(/Le jalon est déplacé/);
    expect(text).toMatch(new RegExp(`vendredi 25 décembre ${year} : ${MILESTONE.title}|25 décembre ${year}`));
    expect((await stored()).startDate.toISOString().slice(0, 10)).toBe(`${year}-12-25`);
    const audit = await running.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'milestone.move' } });
    expect(audit.details).toMatchObject({
      to: `${year}-12-25`,
      reason: 'Le bilan se tient le jour de la fête de fin d’année.',
    });
  }, 120_000);

  it('« Mes agendas »: copies an address, revokes one (410), renews it (200)', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.base });
    await page.getByRole('link', { name: 'Mes agendas' }).click();
    expect(await page.locator('h1').textContent()).toBe('Mes agendas');
    await checkedText();
    const own = page.getByRole('region', { name: /^Mes réunions/ });
    const webcal = await own.getByLabel(/webcal/).inputValue();
    const https = await own.getByLabel(/Adresse https/).inputValue();
    expect(webcal).toMatch(/^webcal:\/\/concerto\.test\/feeds\/people\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.ics$/);
    expect(https).toBe(webcal.replace(/^webcal:/, 'http:'));
    // The convention's feed and each of the instances the person sits in.
    expect(await page.getByRole('region', { name: /^Toute la convention/ }).count()).toBe(1);
    expect(await page.getByRole('region').count()).toBeGreaterThan(2);

    // Copy: the button the script shows puts the address on the clipboard.
    await own.getByRole('button', { name: 'Copier' }).first().click();
    await expect.poll(() => own.getByRole('status').first().textContent()).toBe('Copié dans le presse-papiers.');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(webcal);
    await checkedText();

    const before = await served(https);
    expect(before.status).toBe(200);
    expect(await before.text()).toMatch(/^BEGIN:VCALENDAR/);

    // Revoked: said so, and the address answers 410 in French.
    await own.getByRole('button', { name: 'Révoquer l’adresse' }).click();
    await page.waitForURL(/\/mes-agendas\?fait=revoquee#agenda-/);
    expect(await page.getByRole('status').first().textContent()).toMatch(/L’adresse est révoquée/);
    expect(await checkedText()).toMatch(/Adresse révoquée le/);
    const refused = await served(https);
    expect(refused.status).toBe(410);
    expect(await refused.text()).toMatch(
      /^Adresse révoquée\n\nCette adresse d’abonnement a été révoquée le .*Mes agendas/s,
    );

    // Renewed: a new address, shown with a confirmation; it answers, the old one still does not.
    await own.getByRole('button', { name: 'Obtenir une nouvelle adresse' }).click();
    await page.waitForURL(/\/mes-agendas\?fait=renouvelee&nouvelle=[0-9a-f-]+#agenda-/);
    expect(await page.getByRole('status').first().textContent()).toMatch(/Voici la nouvelle adresse/);
    await checkedText();
    const renewed = await page
      .getByRole('region', { name: /^Mes réunions/ })
      .getByLabel(/Adresse https/)
      .inputValue();
    expect(renewed).not.toBe(https);
    const fresh = await served(renewed);
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toMatch(/^BEGIN:VCALENDAR/);
    expect((await served(https)).status).toBe(410);

    // The convention's address, renewed while in use: the old one stops at once.
    const ofConvention = page.getByRole('region', { name: /^Toute la convention/ });
    const conventionAddress = await ofConvention.getByLabel(/Adresse https/).inputValue();
    expect((await served(conventionAddress)).status).toBe(200);
    await ofConvention.getByRole('button', { name: 'Renouveler l’adresse' }).click();
    await page.waitForURL(/fait=renouvelee/);
    await checkedText();
    const newConvention = await page
      .getByRole('region', { name: /^Toute la convention/ })
      .getByLabel(/Adresse https/)
      .inputValue();
    expect((await served(conventionAddress)).status).toBe(410);
    expect((await served(newConvention)).status).toBe(200);
  }, 120_000);

  it('« Mes agendas »: links a CalDAV calendar (a real Radicale), a wrong password refused beside it', async () => {
    const radicale = await startRadicale({ cooperatrice: 'mot-de-passe-d-application' });
    try {
      const collection = await radicale.makeCalendar('cooperatrice', 'mot-de-passe-d-application');
      await page.goto(`${running.base}/mes-agendas`);
      const section = page.getByRole('region', { name: 'Agenda relié (CalDAV)' });
      await section.getByRole('link', { name: 'Relier un agenda' }).click();
      expect(await page.locator('h1').textContent()).toBe('Relier un agenda CalDAV');
      await checkedText();

      // The server refuses the password: said beside the field, nothing kept, the address kept in the form.
      await page.getByLabel('Adresse de l’agenda').fill(collection);
      await page.getByLabel('Identifiant du compte').fill('cooperatrice');
      await page.getByLabel('Mot de passe d’application').fill('pas le bon');
      await page.getByRole('button', { name: 'Relier cet agenda' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('#champ-password-erreur').textContent()).toMatch(/refuse cet identifiant/);
      expect(await page.getByLabel('Adresse de l’agenda').inputValue()).toBe(collection);
      await checkedText();
      const person = await running.db.prisma.person.findUniqueOrThrow({ where: { email: COOPERATEUR } });
      expect(await running.db.prisma.calendarLink.count({ where: { personId: person.id } })).toBe(0);

      // The right one: linked, confirmed on « Mes agendas »; the password is kept sealed only.
      await page.getByLabel('Mot de passe d’application').fill('mot-de-passe-d-application');
      await page.getByRole('button', { name: 'Relier cet agenda' }).click();
      await page.waitForURL(/\/mes-agendas\?fait=agenda-relie#agenda-caldav-titre/);
      expect(await page.getByRole('status').first().textContent()).toMatch(/Votre agenda est relié/);
      expect(await checkedText()).toContain(collection);
      const link = await running.db.prisma.calendarLink.findUniqueOrThrow({ where: { personId: person.id } });
      expect(link.password).not.toContain('mot-de-passe');
      expect(link.password).toMatch(/^v1\./);

      await section.getByRole('button', { name: 'Délier cet agenda' }).click();
      await page.waitForURL(/fait=agenda-delie/);
      expect(await checkedText()).toMatch(/Relier un agenda/);
      expect(await running.db.prisma.calendarLink.count({ where: { personId: person.id } })).toBe(0);
    } finally {
      await radicale.close();
    }
  }, 120_000);
});
