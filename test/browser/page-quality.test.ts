import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { startFiche } from '../../client/start-fiche.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal } from '../../domain/paris-time.js';
import { findActor } from '../../store/access/find-actor.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import { ficheWorkflowId as ficheWorkflowIdOf } from '../../workflows/definitions.js';
import { jsonAs, tokenFor } from '../helpers/auth.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';

// Every page of the app, listed from the registered routes (the OpenAPI document: each GET that
// answers text/html), in its main states (empty, filled, after an error), at 1280 and 360 px wide,
// in headless Chromium on the demo convention: `lang="fr"`, the skip link « Aller au contenu » first
// in the tab order with a visible focus, no horizontal scroll at 360 px, and axe finds nothing
// serious or critical. A page route missing from PAGES below fails the first test: a new page is
// added here with its states.

const ZONE = 'Europe/Paris';
const ADMIN = 'admin.qualite@example.org';
const COOPERATEUR = DEMO_PEOPLE.cooperateur.email;
const SECRETAIRE = DEMO_PEOPLE.secretaire.email;
const CAF = 'caf.conseiller-territorial@example.org';
const WIDTHS = [1280, 360] as const;

type Who = 'anonymous' | 'admin' | 'cooperateur' | 'secretaire';

/** One state of a page: who reads it, at which address, and what they do there first (a form sent wrong). */
interface State {
  name: string;
  who: Who;
  path: () => string;
  act?: (page: Page) => Promise<void>;
}

describe('every page in its states passes the quality checks (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  const pages = new Map<Who, Page>();
  const workflowIds: string[] = [];
  let ficheId: string;
  let ficheWorkflowId: string;
  let meetingId: string;
  let heldId: string;
  let pollId: string;
  let jobPath: string;
  let rsvpPath: string;
  let votePath: string;
  let signInPath: string;
  let milestoneKey: string;
  let meetingStart: Date;

  /** Sends the form that holds the button named `name`, and waits for the page it answers. */
  const press = (name: string | RegExp) => async (page: Page) => {
    await page.getByRole('button', { name }).click();
    await page.waitForLoadState('load');
  };

  /** A step of the demo convention's plan d'actions by the coopérateur through the API, once its workflow is ready. */
  const planStep = (path: string) =>
    eventually(async () => {
      const response = await running.app.inject({
        method: 'POST',
        url: `/api/conventions/${DEMO_CONVENTION_SLUG}/plan-actions${path}`,
        ...jsonAs(await tokenFor(running.db.prisma, COOPERATEUR), {}),
      });
      return response.statusCode < 300;
    }, `the plan d’actions: POST …${path}`);

  /** The states of each page, by the route's OpenAPI path. */
  const PAGES: Record<string, State[]> = {
    '/connexion': [
      { name: 'empty', who: 'anonymous', path: () => '/connexion' },
      {
        name: 'link sent',
        who: 'anonymous',
        path: () => '/connexion',
        act: async (page) => {
          await page.getByLabel('Adresse électronique').fill('personne@example.org');
          await press('Recevoir un lien de connexion')(page);
        },
      },
    ],
    '/auth/link/{token}': [
      { name: 'valid', who: 'anonymous', path: () => signInPath },
      { name: 'error', who: 'anonymous', path: () => '/auth/link/lien-abime' },
    ],
    '/': [
      { name: 'filled', who: 'cooperateur', path: () => '/' },
      {
        // The avenant's form, sent back with its errors (POST /conventions/:slug/avenants).
        name: 'avenant refused',
        who: 'cooperateur',
        path: () => '/',
        act: async (page) => {
          await press('Proposer l’avenant')(page);
          expect(await page.getByLabel('Objet de l’avenant').getAttribute('aria-invalid')).toBe('true');
        },
      },
    ],
    '/fiches/{id}': [
      { name: 'draft', who: 'cooperateur', path: () => `/fiches/${ficheId}` },
      { name: 'created', who: 'cooperateur', path: () => `/fiches/${ficheId}?fait=creee` },
      {
        name: 'error',
        who: 'cooperateur',
        path: () => `/fiches/${ficheId}`,
        act: async (page) => {
          await page.getByLabel('Montant en euros de la ligne 1').fill('douze cents');
          await press('Enregistrer le contenu')(page);
          expect(await page.getByLabel('Montant en euros de la ligne 1').getAttribute('aria-invalid')).toBe('true');
        },
      },
      { name: 'not found', who: 'cooperateur', path: () => '/fiches/00000000-0000-4000-8000-000000000000' },
    ],
    '/plan-actions': [
      { name: 'not opened', who: 'cooperateur', path: () => '/plan-actions' },
      {
        name: 'opened',
        who: 'cooperateur',
        path: () => '/plan-actions',
        act: async (page) => {
          await planStep('');
          await page.goto(`${running.base}/plan-actions?fait=ouvert`);
        },
      },
      {
        name: 'error',
        who: 'admin',
        path: () => '/plan-actions',
        act: async (page) => {
          // At the Bureau's decision, sent back without saying why: the comment's error.
          const { stage } = await running.db.prisma.planActions.findFirstOrThrow();
          if (stage === 'elaboration') await planStep('/actions/finishElaboration');
          if (stage !== 'attente_bureau') await planStep('/actions/submitToBureau');
          await page.reload();
          await page.getByRole('radio', { name: 'à reprendre' }).check();
          await press('Enregistrer la décision du Bureau')(page);
          expect(await page.getByLabel(/^Commentaire/).getAttribute('aria-invalid')).toBe('true');
        },
      },
    ],
    '/calendrier': [
      { name: 'filled', who: 'secretaire', path: () => `/calendrier?mois=${monthOf(meetingStart)}` },
      { name: 'empty', who: 'secretaire', path: () => '/calendrier?mois=2020-01' },
      { name: 'error', who: 'secretaire', path: () => '/calendrier?mois=demain' },
    ],
    '/reunions/nouvelle': [
      { name: 'empty', who: 'secretaire', path: () => '/reunions/nouvelle' },
      { name: 'error', who: 'secretaire', path: () => '/reunions/nouvelle', act: press('Vérifier la date') },
    ],
    '/reunions/{id}': [
      { name: 'convened', who: 'secretaire', path: () => `/reunions/${meetingId}?fait=convoquee` },
      { name: 'held', who: 'secretaire', path: () => `/reunions/${heldId}` },
    ],
    '/reunions/{id}/deplacer': [
      { name: 'filled', who: 'secretaire', path: () => `/reunions/${meetingId}/deplacer` },
      {
        name: 'error',
        who: 'secretaire',
        path: () => `/reunions/${meetingId}/deplacer`,
        act: async (page) => {
          await page.getByLabel('Jour de la réunion').fill('');
          await press('Vérifier la date')(page);
        },
      },
    ],
    '/reunions/{id}/annuler': [
      { name: 'empty', who: 'secretaire', path: () => `/reunions/${meetingId}/annuler` },
      {
        name: 'error',
        who: 'secretaire',
        path: () => `/reunions/${meetingId}/annuler`,
        act: press('Annuler la réunion'),
      },
    ],
    '/reunions/{id}/presences': [
      { name: 'empty', who: 'secretaire', path: () => `/reunions/${heldId}/presences` },
      {
        name: 'error',
        who: 'secretaire',
        path: () => `/reunions/${heldId}/presences`,
        act: async (page) => {
          await page.locator('input[name="statut-0"][value="pouvoir"]').check();
          await press('Enregistrer les présences')(page);
        },
      },
      { name: 'too early', who: 'secretaire', path: () => `/reunions/${meetingId}/presences` },
    ],
    '/reunions/{id}/ordre-du-jour': [
      { name: 'filled', who: 'secretaire', path: () => `/reunions/${meetingId}/ordre-du-jour` },
    ],
    '/reunions/{id}/seance': [{ name: 'held', who: 'secretaire', path: () => `/reunions/${heldId}/seance` }],
    '/calendrier/regles': [{ name: 'filled', who: 'cooperateur', path: () => '/calendrier/regles' }],
    '/calendrier/jalons/{key}/deplacer': [
      {
        name: 'filled',
        who: 'cooperateur',
        path: () => `/calendrier/jalons/${encodeURIComponent(milestoneKey)}/deplacer`,
      },
    ],
    '/compte': [{ name: 'filled', who: 'cooperateur', path: () => '/compte' }],
    '/mes-agendas/agenda-caldav': [
      { name: 'empty', who: 'cooperateur', path: () => '/mes-agendas/agenda-caldav' },
      {
        name: 'error',
        who: 'cooperateur',
        path: () => '/mes-agendas/agenda-caldav',
        act: press('Relier cet agenda'),
      },
    ],
    '/sondages': [{ name: 'filled', who: 'cooperateur', path: () => '/sondages' }],
    '/sondages/nouveau': [{ name: 'empty', who: 'cooperateur', path: () => '/sondages/nouveau' }],
    // The opinion page's valid states (form, error, used, expired) are walked in partner-opinion-link.test.ts.
    '/avis/{token}': [{ name: 'error', who: 'anonymous', path: () => '/avis/lien-abime' }],
    '/sondages/{id}': [{ name: 'open', who: 'cooperateur', path: () => `/sondages/${pollId}` }],
    '/rsvp/{token}': [
      { name: 'valid', who: 'anonymous', path: () => rsvpPath },
      { name: 'error', who: 'anonymous', path: () => '/rsvp/lien-abime' },
    ],
    '/vote/{token}': [
      { name: 'valid', who: 'anonymous', path: () => votePath },
      { name: 'error', who: 'anonymous', path: () => '/vote/lien-abime' },
    ],
    '/boite-d-envoi': [{ name: 'filled', who: 'admin', path: () => '/boite-d-envoi' }],
    '/admin/journal': [
      { name: 'filled', who: 'admin', path: () => '/admin/journal' },
      { name: 'empty', who: 'admin', path: () => '/admin/journal?actor=personne%40example.org' },
      { name: 'error', who: 'admin', path: () => '/admin/journal?since=hier' },
    ],
    '/admin/demo': [{ name: 'form', who: 'admin', path: () => '/admin/demo' }],
    '/admin/import': [
      { name: 'form', who: 'admin', path: () => '/admin/import' },
      {
        name: 'running convention refused',
        who: 'admin',
        path: () => '/admin/import',
        act: async (page) => {
          await page.getByLabel('Convention en cours (JSON)').fill('{\n  "format": "concerto.running-convention"\n}');
          await press('Vérifier')(page);
        },
      },
      {
        name: 'running convention previewed',
        who: 'admin',
        path: () => '/admin/import',
        act: async (page) => {
          const fiche = { authorEmail: COOPERATEUR, stage: 'brouillon', versions: [{ version: 1, title: 'Reprise' }] };
          const file = { format: 'concerto.running-convention', version: 1, fiches: [fiche] };
          await page.getByLabel('Convention en cours (JSON)').fill(JSON.stringify(file, null, 2));
          await press('Vérifier')(page);
        },
      },
    ],
    '/admin/taches/{id}': [
      { name: 'done', who: 'admin', path: () => jobPath },
      { name: 'not found', who: 'admin', path: () => '/admin/taches/inconnu' },
    ],
    '/admin/processus': [{ name: 'filled', who: 'admin', path: () => '/admin/processus' }],
    '/admin/processus/{id}': [{ name: 'a fiche', who: 'admin', path: () => `/admin/processus/${ficheWorkflowId}` }],
    '/admin/donnees-personnelles': [{ name: 'form', who: 'admin', path: () => '/admin/donnees-personnelles' }],
    '/attentes': [{ name: 'filled', who: 'secretaire', path: () => '/attentes' }],
    '/departement': [{ name: 'filled', who: 'admin', path: () => '/departement' }],
    '/public/{slug}/decisions': [
      { name: 'empty', who: 'anonymous', path: () => `/public/${DEMO_CONVENTION_SLUG}/decisions` },
    ],
    '/pouvoir/{token}': [{ name: 'error', who: 'anonymous', path: () => '/pouvoir/lien-abime' }],
  };

  beforeAll(async () => {
    running = await startBrowserApp('browser-page-quality');
    const { prisma } = running.db;
    await prisma.person.create({ data: { email: ADMIN, displayName: 'Admin Qualité', admin: true } });
    const deps = { client: running.env.client, store: createStore(prisma), taskQueue: running.stack.taskQueue };
    const conventionId = (await prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    milestoneKey = (await prisma.milestone.findFirstOrThrow({ where: { conventionId } })).key;
    const secretary = await findActor(prisma, conventionId, { email: SECRETAIRE });

    // A draft, a meeting ahead and one under way (both convened), a poll open.
    const fiche = await startFiche(
      deps,
      conventionId,
      { title: 'Fiche des contrôles', authorEmail: COOPERATEUR },
      COOPERATEUR,
    );
    ficheId = fiche.ficheId;
    ficheWorkflowId = fiche.handle.workflowId;
    meetingStart = atLocalTime(nextOpenDay(toLocal(addLocalDays(new Date(), 12), ZONE), null).date, 14, 0);
    const ahead = await scheduleMeeting(
      deps,
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH des contrôles',
        startsAt: meetingStart.toISOString(),
        endsAt: new Date(meetingStart.getTime() + 7_200_000).toISOString(),
        location: 'Salle du conseil',
      },
      secretary,
      { timing: { agendaQuietMs: 300 } },
    );
    const heldStart = new Date(Date.now() + 5_000);
    const held = await scheduleMeeting(
      deps,
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH en cours',
        startsAt: heldStart.toISOString(),
        endsAt: new Date(heldStart.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Test : réunion imminente' },
      },
      secretary,
      { timing: { agendaQuietMs: 300 } },
    );
    [meetingId, heldId] = [ahead.meetingId, held.meetingId];
    workflowIds.push(ficheWorkflowId, ahead.workflowId, held.workflowId);
    const deadlineDay = nextOpenDay(shiftDate(toLocal(new Date(), ZONE), 3), null).date;
    const firstPollDay = nextOpenDay(shiftDate(deadlineDay, 10), null).date;
    const poll = await running.app.inject({
      method: 'POST',
      url: '/api/polls',
      headers: await tokenFor(prisma, COOPERATEUR),
      payload: {
        instance: 'cotech',
        title: 'GTT des contrôles',
        deadline: atLocalTime(deadlineDay, 12, 0, ZONE).toISOString(),
        participants: [CAF],
        // Two different days: ten and twelve days on could both fall on the Monday after a weekend.
        options: [firstPollDay, nextOpenDay(shiftDate(firstPollDay, 1), null).date].map((day) => ({
          kind: 'journee',
          date: dateKey(day),
        })),
      },
    });
    expect(poll.statusCode, poll.body).toBe(201);
    pollId = poll.json<{ pollId: string }>().pollId;

    const local = (url: string) => url.slice(running.base.length);
    rsvpPath = local(await running.linkFromMail('Convocation : COTECH des contrôles', CAF, 'Je participerai'));
    votePath = local(await running.linkFromMail('Sondage de date : ', CAF, 'Répondre au sondage'));
    // A long piece of work and its progress page: the demo loaded again (its convention already lives).
    const admin = await pageOf('admin');
    await admin.goto(`${running.base}/admin/demo`);
    await press('Charger la démonstration')(admin);
    jobPath = new URL(admin.url()).pathname;
    // A sign-in link, from the mail the sign-in page sends.
    const anonymous = await pageOf('anonymous');
    await anonymous.goto(`${running.base}/connexion`);
    await anonymous.getByLabel('Adresse électronique').fill(COOPERATEUR);
    await press('Recevoir un lien de connexion')(anonymous);
    signInPath = local(await running.linkFromMail('Votre lien de connexion', COOPERATEUR, 'Me connecter à Concerto'));
    await eventually(
      async () =>
        Date.now() > heldStart.getTime() &&
        (await prisma.meeting.findUniqueOrThrow({ where: { id: heldId } })).status === 'convoquee',
      'the meeting convened and begun',
      60_000,
    );
  }, 240_000);

  afterAll(async () => {
    const plans = (await running?.db.prisma.planActions.findMany()) ?? [];
    await running?.terminate([...workflowIds, ...plans.flatMap((plan) => plan.workflowId ?? [])]);
    await running?.stop();
  }, 240_000);

  /** One browser per reader, signed in by a session (the sign-in by link has its own page here). */
  async function pageOf(who: Who): Promise<Page> {
    const known = pages.get(who);
    if (known) return known;
    const page = await browser.newPage();
    if (who !== 'anonymous') {
      const email = { admin: ADMIN, cooperateur: COOPERATEUR, secretaire: SECRETAIRE }[who];
      await running.openSession(page, email);
    }
    pages.set(who, page);
    return page;
  }

  /**
   * The checks every page passes, in the state it is in, at the width it is shown. `fresh`: just
   * loaded, nothing pressed yet, so the first Tab shows where the keyboard starts.
   */
  async function checkQuality(page: Page, width: number, where: string, fresh: boolean): Promise<void> {
    expect(await page.locator('html').getAttribute('lang'), where).toBe('fr');
    expect(await page.locator('main#principal').count(), `${where}: one main`).toBe(1);
    expect(await page.locator('h1').count(), `${where}: one h1`).toBe(1);
    // In document order, the skip link is the first thing that takes the focus; no tabindex reorders them.
    const focusable = await page.evaluate<string[]>(
      `[...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]` +
        `.filter((e) => e.tabIndex >= 0).map((e) => (e.tabIndex > 0 ? 'tabindex ' : '') + e.textContent)`,
    );
    expect(focusable[0], `${where}: first focusable`).toBe('Aller au contenu');
    expect(
      focusable.filter((t) => t.startsWith('tabindex ')),
      `${where}: a positive tabindex`,
    ).toEqual([]);
    if (fresh) {
      // The first Tab reaches it, and it shows, outlined, on the screen.
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<{ text: string; outline: string; left: number; top: number }>(
        `(() => { const e = document.activeElement; const box = e.getBoundingClientRect();` +
          ` const outline = getComputedStyle(e).outlineStyle;` +
          ` return { text: e.textContent, outline, left: box.left, top: box.top }; })()`,
      );
      expect(focused.text, `${where}: the first Tab`).toBe('Aller au contenu');
      expect(focused.outline, `${where}: the focus shows`).not.toBe('none');
      expect(focused.left >= 0 && focused.top >= 0, `${where}: the skip link on screen`).toBe(true);
    }
    if (width === 360) {
      const scrollWidth = await page.evaluate<number>('document.scrollingElement.scrollWidth');
      // Named in the failure: the outermost elements that reach past the screen.
      const wider = await page.evaluate<string[]>(
        `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 361` +
          ` && !(e.parentElement && e.parentElement.getBoundingClientRect().right > 361))` +
          `.map((e) => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')).slice(0, 5)`,
      );
      expect(scrollWidth, `${where}: the page scrolls sideways at 360 px (${wider.join(', ')})`).toBeLessThanOrEqual(
        361,
      );
    }
    await expectNoSeriousAxeViolations(page);
  }

  it('knows every page route the app registers', async () => {
    const document = (await running.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    }>();
    const pageRoutes = Object.entries(document.paths)
      .filter(([, operations]) =>
        Object.values(operations.get?.responses ?? {}).some((r) => r.content && 'text/html' in r.content),
      )
      .map(([path]) => path)
      .sort();
    expect(pageRoutes.length).toBeGreaterThan(15);
    expect(
      pageRoutes.filter((path) => !(path in PAGES)),
      'page routes without their states here',
    ).toEqual([]);
    expect(
      Object.keys(PAGES).filter((path) => !pageRoutes.includes(path)),
      'states of no route',
    ).toEqual([]);
  });

  it('every page in each of its states, at 1280 and 360 px', async () => {
    for (const [route, states] of Object.entries(PAGES))
      for (const state of states)
        for (const width of WIDTHS) {
          const where = `${route} (${state.name}, ${width} px)`;
          const page = await pageOf(state.who);
          await page.setViewportSize({ width, height: 900 });
          const answer = await page.goto(running.base + state.path());
          expect(answer?.status(), where).toBeLessThan(500);
          await state.act?.(page);
          await checkQuality(page, width, where, !state.act);
        }
  }, 600_000);

  it('sends a form once, however often it is pressed; the same form sent again leads to what it made', async () => {
    const { prisma } = running.db;
    const page = await pageOf('cooperateur');
    await page.setViewportSize({ width: 360, height: 900 });
    await page.goto(`${running.base}/`);
    await page.getByLabel('Titre de la fiche').fill('Fiche pressée deux fois');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    const before = await prisma.ficheAction.count();
    await page.getByRole('button', { name: 'Créer le brouillon' }).dblclick();
    await page.waitForURL(/\/fiches\/[0-9a-f-]+\?fait=creee$/);
    expect(posts).toEqual([`${running.base}/fiches`]);
    expect(await page.getByRole('status').textContent()).toMatch(/Le brouillon de la fiche est créé/);
    expect(await prisma.ficheAction.count()).toBe(before + 1);
    workflowIds.push(ficheWorkflowIdOf(new URL(page.url()).pathname.split('/').at(-1)!));

    // Without the script (a form sent again from the history, or two requests): the same fiche.
    await page.goto(`${running.base}/`);
    const fields = Object.fromEntries(
      await page
        .locator('form[action="/fiches"] input')
        .evaluateAll((inputs) => inputs.map((input) => [input.getAttribute('name'), input.getAttribute('value')])),
    ) as Record<string, string>;
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const send = () =>
      fetch(`${running.base}/fiches`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: running.base },
        body: new URLSearchParams({ ...fields, title: 'Fiche envoyée deux fois' }),
        redirect: 'manual',
      });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await prisma.ficheAction.count()).toBe(before + 2);
    workflowIds.push(ficheWorkflowIdOf(first.headers.get('location')!.split('/').at(-1)!.split('?')[0]!));
  }, 120_000);
});

/** `YYYY-MM` of the instant's month, in Paris. */
const monthOf = (instant: Date) => dateKey(toLocal(instant, ZONE)).slice(0, 7);
