import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../client/http/app.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal } from '../../domain/paris-time.js';
import type { Database } from '../../infra/database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/load-demo.js';
import { resolveActor } from '../../store/resolve-actor.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

// The app's French pages in headless Chromium, on the demo convention with a fiche submitted, a
// meeting convened and a poll open, all run by a real worker on the dev server; every page is
// checked with axe.

const ZONE = 'Europe/Paris';
const COOPERATEUR = { email: 'directrice.education@example.org', appRole: 'cooperateur' };
const TEMPORAL_UI = 'http://temporal-ui.test:8233';

describe('the app’s pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  let base: string;
  let page: Page;
  let fiche: { ficheId: string; workflowId: string };
  let meeting: { meetingId: string; workflowId: string };
  let poll: { pollId: string };
  let meetingDay: Date;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    stack = await startTestWorker(env, db, 'browser-pages');
    await loadDemo(db.prisma);
    app = buildHttpApp({
      client: env.client,
      prisma: db.prisma,
      taskQueue: stack.taskQueue,
      catcher: stack.catcher,
      temporalUiUrl: TEMPORAL_UI,
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });

    const created = await app.inject({ method: 'POST', url: '/api/fiches', payload: { title: 'Ludothèque itinérante', authorEmail: COOPERATEUR.email } });
    expect(created.statusCode, created.body).toBe(201);
    fiche = created.json();
    const submitted = await eventually(async () => {
      const answer = await app.inject({ method: 'POST', url: `/api/fiches/${fiche.ficheId}/actions/submit`, payload: { actor: COOPERATEUR } });
      return answer.statusCode === 200 ? answer : undefined;
    }, 'the fiche to be submitted');
    expect(submitted.json()).toMatchObject({ lifecycle: { stage: 'soumise' } });

    const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    meetingDay = atLocalTime(toLocal(addLocalDays(new Date(), 12), ZONE), 14, 0);
    meeting = await scheduleMeeting(
      { client: env.client, prisma: db.prisma, taskQueue: stack.taskQueue },
      conventionId,
      { instance: 'cotech', title: 'COTECH des pages', startsAt: meetingDay.toISOString(), endsAt: new Date(meetingDay.getTime() + 7_200_000).toISOString() },
      await resolveActor(db.prisma, conventionId, COOPERATEUR.email, COOPERATEUR.appRole),
      { timing: { agendaQuietMs: 300 } },
    );
    const deadlineDay = nextOpenDay(shiftDate(toLocal(new Date(), ZONE), 3), null).date;
    const pollCreated = await app.inject({
      method: 'POST',
      url: '/api/polls',
      payload: {
        instance: 'cotech',
        title: 'GTT de printemps',
        deadline: atLocalTime(deadlineDay, 12, 0, ZONE).toISOString(),
        participants: ['caf.conseiller-territorial@example.org', 'msa.travailleur-social@example.org'],
        actor: COOPERATEUR,
        options: [
          { kind: 'journee', date: dateKey(nextOpenDay(shiftDate(deadlineDay, 10), null).date) },
          { kind: 'journee', date: dateKey(nextOpenDay(shiftDate(deadlineDay, 12), null).date) },
        ],
      },
    });
    expect(pollCreated.statusCode, pollCreated.body).toBe(201);
    poll = pollCreated.json();
    // The fiche goes on the meeting's agenda and the members get their convocation.
    await eventually(async () => (await stack.catcher.list()).some((m) => m.subject.startsWith('Convocation : ')), 'a convocation', 60_000);
    await eventually(async () => (await db.prisma.agendaItem.count({ where: { meetingId: meeting.meetingId, ficheId: fiche.ficheId } })) > 0, 'the fiche on the agenda', 60_000);
  });

  afterAll(async () => {
    for (const workflowId of [fiche?.workflowId, meeting?.workflowId]) {
      if (workflowId) await env.client.workflow.getHandle(workflowId).terminate('fin du test').catch(() => undefined);
    }
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  /** Opens a page, checks its status, its single h1 and its accessibility; gives back the main text. */
  async function visit(path: string, h1: RegExp): Promise<string> {
    page ??= await browser.newPage();
    const answer = await page.goto(base + path);
    expect(answer?.status(), path).toBe(200);
    expect(answer?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('h1').textContent()).toMatch(h1);
    await expectNoSeriousAxeViolations(page);
    return (await page.locator('main').textContent()) ?? '';
  }

  it('the dashboard: the fiche in its stage’s column, the meeting ahead, the poll’s deadline', async () => {
    const text = await visit('/', /^Tableau de bord/);
    const column = page.locator('.column', { has: page.getByRole('heading', { name: /^Soumise, en attente de l’avis du COTECH \(1\)$/ }) });
    await expect(column.getByRole('link').textContent()).resolves.toMatch(/^FA-\d{4}-\d+ — Ludothèque itinérante$/);
    expect(text).toContain('COTECH des pages');
    expect(text).toMatch(/Réponses au sondage GTT de printemps attendues avant le .* \(0 sur 2\)/);
    expect(await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Tableau de bord' }).getAttribute('aria-current')).toBe('page');
  });

  it('the fiche page: content, decisions, and its timeline from the workflow', async () => {
    const text = await visit(`/fiches/${fiche.ficheId}`, /^FA-\d{4}-\d+ — Ludothèque itinérante$/);
    expect(text).toContain('Titre');
    expect(text).toContain('Aucune décision enregistrée.');
    const timeline = page.locator('.timeline');
    await expect(timeline.textContent()).resolves.toMatch(/directrice\.education@example\.org : Soumission de la fiche — fait/);
  });

  it('the meeting page: the agenda with the fiche, the members and their answers', async () => {
    const text = await visit(`/reunions/${meeting.meetingId}`, /^COTECH des pages$/);
    await expect(page.getByRole('link', { name: 'Ludothèque itinérante' }).getAttribute('href')).resolves.toBe(`/fiches/${fiche.ficheId}`);
    expect(text).toMatch(/\d+ pas encore répondu/);
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(1);
  });

  it('the calendar: the meeting on its day, and the rétroplanning picture', async () => {
    const local = toLocal(meetingDay, ZONE);
    await visit(`/calendrier?mois=${local.year}-${String(local.month).padStart(2, '0')}`, /^Calendrier/);
    await expect(page.getByRole('link', { name: /14 h 00 COTECH des pages/ }).getAttribute('href')).resolves.toBe(`/reunions/${meeting.meetingId}`);
    const picture = page.getByRole('img', { name: new RegExp(`^Rétroplanning ${local.year}`) });
    // The picture loaded (the page's CSP allows its own images): it has a width.
    expect(await picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  });

  it('the polls: the list, and the poll with its dates and who has not answered', async () => {
    await visit('/sondages', /^Sondages de date$/);
    await page.getByRole('link', { name: 'GTT de printemps' }).click();
    expect(page.url()).toBe(`${base}/sondages/${poll.pollId}`);
    const text = await visit(`/sondages/${poll.pollId}`, /^GTT de printemps$/);
    expect(text).toContain('caf.conseiller-territorial@example.org');
  });

  it('the outbox: the caught mails, each downloadable', async () => {
    await visit('/boite-d-envoi', /^Boîte d’envoi$/);
    const link = page.getByRole('link', { name: /^Télécharger le courriel « Convocation : / }).first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/api\/outbox\/.+\.eml$/);
    const eml = await page.request.get(base + href!);
    expect(eml.status()).toBe(200);
    expect(await eml.text()).toMatch(/^Subject: /m);
  });

  it('an admin reads a workflow’s timeline: who did what and when, the mails with their ledger lines, a link to Temporal', async () => {
    await visit('/admin/processus', /^Processus$/);
    await page.getByRole('link', { name: fiche.workflowId, exact: true }).click();
    expect(page.url()).toBe(`${base}/admin/processus/${encodeURIComponent(fiche.workflowId)}`);
    const text = await visit(`/admin/processus/${encodeURIComponent(fiche.workflowId)}`, /^Cycle de vie d’une fiche action/);
    expect(text).toMatch(/Début : Cycle de vie d’une fiche action « Ludothèque itinérante »/);
    expect(text).toMatch(/directrice\.education@example\.org : Soumission de la fiche — fait/);
    // The mail to the COTECH's secretary, with its ledger line.
    expect(text).toMatch(/Courriel « Fiche FA-\d{4}-\d+ soumise au COTECH » à assistante\.education@example\.org — fait\s*Essai 1, .* : envoyé/);
    const temporal = page.getByRole('link', { name: `Ouvrir ${fiche.workflowId} dans Temporal` });
    await expect(temporal.getAttribute('href')).resolves.toMatch(new RegExp(`^${TEMPORAL_UI}/namespaces/default/workflows/${fiche.workflowId}/[0-9a-f-]+/history$`));

    const api = await app.inject({ method: 'GET', url: `/api/workflows/${fiche.workflowId}/timeline` });
    expect(api.statusCode).toBe(200);
    expect(api.json().entries.find((e: { what: string }) => e.what === 'Soumission de la fiche')).toMatchObject({ who: COOPERATEUR.email, kind: 'update', outcome: 'fait' });
    expect((await app.inject({ method: 'GET', url: '/api/workflows/nothing-here/timeline' })).statusCode).toBe(404);
  });

  it('the audit log: the submission and the meeting, linked to their pages', async () => {
    const text = await visit('/admin/journal', /^Journal$/);
    expect(text).toContain('Soumission de la fiche');
    expect(text).toContain('Réunion programmée');
    await expect(page.getByRole('link', { name: `fiche:${fiche.ficheId}` }).first().getAttribute('href')).resolves.toBe(`/fiches/${fiche.ficheId}`);
  });

  it('a page that does not exist is a French 404 page', async () => {
    page ??= await browser.newPage();
    const answer = await page.goto(`${base}/reunions/00000000-0000-0000-0000-000000000000`);
    expect(answer?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page introuvable');
    await expectNoSeriousAxeViolations(page);
  });
});
