import { mkdirSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { dateKey, toLocal } from '../../domain/paris-time.js';
import { findActor } from '../../store/access/find-actor.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import { ficheStateQuery, ficheWorkflowId } from '../../workflows/definitions.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';

// One fiche through every role's pages, in headless Chromium on the demo convention and the dev
// server: the coopérateur writes and submits it; the COTECH's secretary convenes the COTECH from
// the form (a dérogation lets it sit minutes ahead), takes attendance and records the avis; the
// CAF's and MSA's referents give their opinions by the links of their mails, with no account; the
// COPIL decides; the Bureau validates; an élu answers the Bureau's invitation by the link of its
// mail; the pilot records the year's evaluation with its indicators' values; the admin reads the
// fiche's history and the journal. Set-up only (no page does it for them): the people with an
// account signed in by a session, and the COPIL's and the Bureau's meetings scheduled to start
// within seconds. Each page is saved as a screenshot in test-artifacts/role-journey/, named by its
// step.

const ZONE = 'Europe/Paris';
const ADMIN = 'admin.parcours@example.org';
const COOPERATEUR = DEMO_PEOPLE.cooperateur.email;
const SECRETAIRE = DEMO_PEOPLE.secretaire.email;
const SECRETAIRE_BUREAU = DEMO_PEOPLE.secretaireBureau.email;
const ELU = 'vp.enfance-jeunesse@example.org';
const TITLE = 'Accueil périscolaire du mercredi';
const ARTIFACTS = 'test-artifacts/role-journey';

describe('each role does its part of a fiche’s review through the pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let conventionId: string;
  let ficheId: string;
  const workflowIds: string[] = [];
  let step = 0;

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    running = await startBrowserApp('browser-role-journey');
    await running.db.prisma.person.create({ data: { email: ADMIN, displayName: 'Admin Parcours', admin: true } });
    conventionId = (await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  });

  afterAll(async () => {
    await running?.terminate(workflowIds);
    await running?.stop();
  });

  /** A browser signed in as `email` (the sign-in by link has its own tests). */
  async function signedIn(email: string): Promise<Page> {
    const page = await browser.newPage();
    await running.openSession(page, email);
    await page.setViewportSize({ width: 1280, height: 900 });
    return page;
  }

  /** The page passes axe, and is kept as `NN-name.png`. */
  async function keep(page: Page, name: string): Promise<void> {
    await expectNoSeriousAxeViolations(page);
    step += 1;
    await page.screenshot({ path: `${ARTIFACTS}/${String(step).padStart(2, '0')}-${name}.png`, fullPage: true });
  }

  /** The confirmation the page shows after an action. */
  const notice = (page: Page) => page.getByRole('status').first().textContent();

  /** The fiche's stage, as the store has it. */
  const stage = async () => (await running.db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } })).status;

  /** Set-up: a meeting of `instance` starting in seconds (no page convenes it sooner than the form's minute). */
  async function meetingNow(instance: 'copil' | 'bureau-communautaire', title: string, by: string) {
    const startsAt = new Date(Date.now() + 8_000);
    const meeting = await scheduleMeeting(
      { client: running.env.client, store: createStore(running.db.prisma), taskQueue: running.stack.taskQueue },
      conventionId,
      {
        instance,
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Parcours de test : séance imminente' },
      },
      await findActor(running.db.prisma, conventionId, { email: by }),
      { timing: { agendaQuietMs: 300 } },
    );
    workflowIds.push(meeting.workflowId);
    await onAgendaAndBegun(meeting.meetingId, startsAt);
    return meeting;
  }

  /** Waits until the fiche is on the meeting's agenda, the meeting convened and begun. */
  async function onAgendaAndBegun(meetingId: string, startsAt: Date): Promise<void> {
    // A meeting starting within the agenda's quiet minute is convened at its start: on a loaded machine the
    // convocation lands just after it, and the page offers the attendance only once it has.
    await eventually(
      async () =>
        Date.now() > startsAt.getTime() &&
        (await running.db.prisma.agendaItem.count({ where: { meetingId, ficheId } })) > 0 &&
        (await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } })).status === 'convoquee',
      'the fiche on the agenda of a meeting convened and begun',
      180_000,
    );
  }

  /** On the fiche's page, takes the step whose region is `region`: picks `choice`, presses `button`. */
  async function decide(page: Page, region: string | RegExp, choice: string, button: string, kind: string) {
    await page.goto(`${running.base}/fiches/${ficheId}`);
    const form = page.getByRole('region', { name: region });
    await form.getByLabel(choice, { exact: true }).check();
    await form.getByRole('button', { name: button }).click();
    await page.waitForURL((url) => url.searchParams.get('fait') === kind);
  }

  it('the coopérateur writes the fiche’s content and submits it', async () => {
    const page = await signedIn(COOPERATEUR);
    await page.goto(`${running.base}/`);
    await keep(page, 'cooperateur-tableau-de-bord');
    await page.getByLabel('Titre de la fiche').fill(TITLE);
    await page.getByRole('button', { name: 'Créer le brouillon' }).click();
    await page.waitForURL(/\/fiches\/[0-9a-f-]+\?fait=creee$/);
    ficheId = new URL(page.url()).pathname.split('/').at(-1)!;
    workflowIds.push(ficheWorkflowId(ficheId));
    expect(await notice(page)).toMatch(/Le brouillon de la fiche est créé/);
    await keep(page, 'cooperateur-brouillon');

    const enjeu = page.getByLabel('Enjeu', { exact: true });
    await enjeu.selectOption((await enjeu.locator('option').nth(1).getAttribute('value'))!);
    await page.locator('input[name^="objectifs."]').first().check();
    await page.getByLabel('Pilote').selectOption(COOPERATEUR);
    await page.locator('input[name^="partenaires."]').first().check();
    await page.getByLabel('Public visé').fill('Enfants de 3 à 11 ans des communes rurales');
    await page.getByLabel('Libellé de la ligne 1').fill('Animateurs');
    await page.getByLabel('Montant en euros de la ligne 1').fill('18 000');
    await page.getByLabel('Financeur de la ligne 1').fill('CAF');
    await page.getByLabel('Libellé de l’indicateur 1').fill('Enfants accueillis');
    await page.getByLabel('Cible de l’indicateur 1').fill('60');
    await page.getByRole('button', { name: 'Enregistrer le contenu' }).click();
    await page.waitForURL((url) => url.searchParams.get('fait') === 'contenu');
    expect(await notice(page)).toBe('Le contenu de la fiche est enregistré.');
    await keep(page, 'cooperateur-contenu');

    await page.getByRole('button', { name: 'Soumettre la fiche au COTECH' }).click();
    await page.waitForURL((url) => url.searchParams.get('fait') === 'submit');
    expect(await notice(page)).toBe('La fiche est soumise au COTECH.');
    await keep(page, 'cooperateur-soumise');
    expect(await stage()).toBe('soumise');
  }, 120_000);

  it('the COTECH’s secretary convenes the COTECH, takes attendance and records its avis', async () => {
    const page = await signedIn(SECRETAIRE);
    await page.goto(`${running.base}/calendrier`);
    await page.getByRole('link', { name: 'Convoquer une réunion' }).click();
    // The next whole minute but one, in Paris: the form takes hours and minutes, of one day. An hour long, or
    // until 23:59 once past 22:59 (the test failed between 23:00 and midnight, the end falling the next day);
    // from 23:58 it waits for the next day.
    const minuteOfDay = (t: { hour: number; minute: number }) => t.hour * 60 + t.minute;
    const nextMinuteButOne = () => new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    const lastMinute = 23 * 60 + 59;
    while (minuteOfDay(toLocal(nextMinuteButOne(), ZONE)) >= lastMinute - 1) await delay(10_000);
    const startsAt = nextMinuteButOne();
    const start = toLocal(startsAt, ZONE);
    const minutes = Math.min(60, lastMinute - minuteOfDay(start));
    const end = toLocal(new Date(startsAt.getTime() + minutes * 60_000), ZONE);
    const clock = (t: { hour: number; minute: number }) =>
      `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
    await page.getByLabel('Instance').selectOption('cotech');
    await page.getByLabel('Titre de la réunion').fill('COTECH du parcours');
    await page.getByLabel('Jour de la réunion').fill(dateKey(start));
    await page.getByLabel('Heure de début (heure de Paris)').fill(clock(start));
    await page.getByLabel('Heure de fin (heure de Paris)').fill(clock(end));
    await page.getByLabel('Lieu').fill('Salle du conseil, Melle');
    await page.getByRole('button', { name: 'Vérifier la date' }).click();
    await page.getByLabel(/Motif de la dérogation/).fill('Séance exceptionnelle : le parcours de test.');
    await keep(page, 'secretaire-convocation-verifiee');
    await page.getByRole('button', { name: 'Convoquer la réunion' }).click();
    await page.waitForURL(/\/reunions\/[0-9a-f-]+\?fait=convoquee$/);
    const meetingId = new URL(page.url()).pathname.split('/').at(-1)!;
    workflowIds.push((await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } })).workflowId!);
    expect(await notice(page)).toMatch(/La réunion est planifiée/);
    await keep(page, 'secretaire-reunion-convoquee');

    await onAgendaAndBegun(meetingId, startsAt);
    await page.goto(`${running.base}/reunions/${meetingId}`);
    await page.getByRole('link', { name: 'Enregistrer les présences' }).click();
    const rows = await page.locator('fieldset').count();
    for (let i = 0; i < rows; i += 1) await page.locator(`input[name="statut-${i}"][value="present"]`).check();
    await keep(page, 'secretaire-presences');
    await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
    await page.waitForURL(/\?fait=presences$/);
    expect(await notice(page)).toMatch(/Les présences sont enregistrées/);

    await decide(page, 'Avis du COTECH', 'favorable', 'Enregistrer l’avis du COTECH', 'recordAvis');
    await keep(page, 'secretaire-avis-cotech');
    await eventually(async () => (await stage()) !== 'soumise', 'the avis recorded', 30_000);
  }, 300_000);

  it('the partners give their opinions by the links of their mails, with no account', async () => {
    const { code } = await running.db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } });
    for (const [partner, email] of [
      ['CAF', DEMO_PEOPLE.caf.email],
      ['MSA', DEMO_PEOPLE.msa.email],
    ] as const) {
      // A fresh browser context: no session, no cookie; the signed link alone lets the referent in.
      const page = await browser.newPage();
      const link = await running.linkFromMail(
        `Avis de la ${partner} demandé sur la fiche ${code}`,
        email,
        `Donner l’avis de la ${partner}`,
      );
      expect((await page.goto(link))?.status()).toBe(200);
      expect(await page.context().cookies()).toEqual([]);
      expect(await page.locator('h1').textContent()).toBe(`Avis de la ${partner} sur la fiche ${code}`);
      await keep(page, `partenaire-${partner.toLowerCase()}-lien`);
      await page.getByRole('radio', { name: 'favorable', exact: true }).check();
      await page.getByRole('button', { name: `Enregistrer l’avis de la ${partner}` }).click();
      await page.waitForLoadState();
      expect(await page.locator('h1').textContent()).toBe(`Avis de la ${partner} enregistré`);
      await keep(page, `partenaire-${partner.toLowerCase()}-enregistre`);
    }
    // The workflow holds both opinions, each by its referent, before the COPIL decides.
    const state = await running.env.client.workflow.getHandle(ficheWorkflowId(ficheId)).query(ficheStateQuery);
    expect(state.lifecycle.review?.partnerOpinions).toMatchObject({
      caf: { opinion: 'favorable', by: DEMO_PEOPLE.caf.email },
      msa: { opinion: 'favorable', by: DEMO_PEOPLE.msa.email },
    });
  }, 180_000);

  it('the COPIL decides and the Bureau validates; an élu answers the Bureau’s invitation by its link', async () => {
    await meetingNow('copil', 'COPIL du parcours', SECRETAIRE);
    const secretary = await signedIn(SECRETAIRE);
    await decide(secretary, 'Décision du COPIL', 'adoptée', 'Enregistrer la décision du COPIL', 'recordCopilDecision');
    await keep(secretary, 'secretaire-decision-copil');

    await meetingNow('bureau-communautaire', 'Bureau du parcours', SECRETAIRE_BUREAU);
    const elu = await browser.newPage();
    await elu.goto(await running.linkFromMail('Convocation : Bureau du parcours', ELU, 'Je participerai'));
    await keep(elu, 'elu-invitation');
    await elu.getByRole('button', { name: /Confirmer/ }).click();
    await expect(elu.locator('h1').textContent()).resolves.toBe('Réponse enregistrée');
    await keep(elu, 'elu-reponse');

    const bureau = await signedIn(SECRETAIRE_BUREAU);
    await decide(
      bureau,
      'Décision du Bureau communautaire',
      'validée',
      'Enregistrer la décision du Bureau',
      'recordBureauValidation',
    );
    await keep(bureau, 'secretaire-bureau-validation');
    await eventually(async () => (await stage()) === 'en_oeuvre', 'the fiche validated', 30_000);
  }, 420_000);

  it('the pilot records the year’s evaluation: an indicator’s bad value is refused beside it, then shown', async () => {
    const page = await signedIn(COOPERATEUR);
    await page.goto(`${running.base}/fiches/${ficheId}`);
    const form = () => page.getByRole('region', { name: 'Évaluation annuelle' });
    const planned = () => form().getByRole('group', { name: 'Enfants accueillis' });
    const other = () => form().getByRole('group', { name: 'Autre indicateur 1' });
    // The fiche's indicator, its target prefilled from the content in force; rows left empty are ignored.
    await expect(planned().getByLabel('Cible').inputValue()).resolves.toBe('60');
    await form().getByLabel('Année évaluée').fill(String(new Date().getFullYear()));
    await form().getByLabel('Bilan de l’année').fill('Le mercredi a trouvé son public.');
    await planned().getByLabel('Valeur').fill('48,5');
    await other().getByLabel('Nom de l’indicateur').fill('Ressenti des familles');
    await other().getByLabel('Valeur').fill('très satisfaites '.repeat(15));
    const refused = page.waitForResponse((r) => r.url().endsWith('/etapes/recordEvaluation'));
    await form().getByRole('button', { name: 'Enregistrer l’évaluation' }).click();
    expect((await refused).status()).toBe(400);
    const bad = other().getByLabel('Valeur');
    expect(await bad.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator(`#${await bad.getAttribute('aria-describedby')}`).textContent()).resolves.toBe(
      'Une valeur d’indicateur est un nombre ou un texte de 200 caractères au plus : raccourcissez-la.',
    );
    await expect(planned().getByLabel('Valeur').inputValue()).resolves.toBe('48,5');
    expect(await planned().getByLabel('Valeur').getAttribute('aria-invalid')).toBeNull();
    await keep(page, 'pilote-evaluation-refusee');

    await bad.fill('très satisfaites');
    await form().getByRole('button', { name: 'Enregistrer l’évaluation' }).click();
    await page.waitForURL((url) => url.searchParams.get('fait') === 'recordEvaluation');
    expect(await notice(page)).toBe('L’évaluation est enregistrée.');
    const shown = page.getByRole('region', { name: `Année ${new Date().getFullYear()}` });
    await expect(shown.locator('li').allTextContents()).resolves.toEqual([
      'Enfants accueillis : 48,5 (cible : 60)',
      'Ressenti des familles : très satisfaites',
    ]);
    const state = await running.env.client.workflow.getHandle(ficheWorkflowId(ficheId)).query(ficheStateQuery);
    expect(state.lifecycle.evaluations[0]?.indicators).toEqual([
      { label: 'Enfants accueillis', value: 48.5, target: 60 },
      { label: 'Ressenti des familles', value: 'très satisfaites' },
    ]);
    await keep(page, 'pilote-evaluation');
  }, 60_000);

  it('the admin reads the history: the fiche’s timeline and the journal', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${running.base}/fiches/${ficheId}`);
    const timeline = (await page.locator('.timeline').textContent()) ?? '';
    expect(timeline).toMatch(/Soumission de la fiche/);
    await keep(page, 'admin-fiche-histoire');
    await page.goto(`${running.base}/admin/journal`);
    expect(await page.locator('main').textContent()).toContain(`fiche:${ficheId}`);
    await keep(page, 'admin-journal');
  }, 60_000);
});
