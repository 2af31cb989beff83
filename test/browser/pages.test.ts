import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal } from '../../domain/paris-time.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { tokenFor } from '../helpers/auth.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// The app's French pages in headless Chromium, on the demo convention, run by a real worker on
// the dev server: a coopérateur signs in with the link mailed to them, creates a fiche and submits
// it; a meeting is convened and a poll opened; an admin signs in and reads every page, the
// processes' timelines included. Every page is checked with axe.

const ZONE = 'Europe/Paris';
const COOPERATEUR = { email: 'directrice.education@example.org', appRole: 'cooperateur' };
const ADMIN = 'admin.concerto@example.org';
const TEMPORAL_UI = 'http://temporal-ui.test:8233';

describe('the app’s pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let page: Page;
  let fiche: { ficheId: string; workflowId: string };
  let meeting: { meetingId: string; workflowId: string };
  let poll: { pollId: string };
  let meetingDay: Date;

  beforeAll(async () => {
    running = await startBrowserApp('browser-pages', { temporalUiUrl: TEMPORAL_UI });
    await running.db.prisma.person.create({ data: { email: ADMIN, displayName: 'Admin Concerto', admin: true } });
  });

  afterAll(async () => {
    for (const workflowId of [fiche?.workflowId, meeting?.workflowId]) {
      if (workflowId)
        await running.env.client.workflow
          .getHandle(workflowId)
          .terminate('fin du test')
          .catch(() => undefined);
    }
    await running?.stop();
  });

  /** Signs in a fresh browser context through the sign-in page and the link mailed. */
  async function signIn(email: string): Promise<void> {
    page = await browser.newPage();
    // Nobody signed in: every page leads to the sign-in page.
    await page.goto(`${running.base}/`);
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect(await page.locator('h1').textContent()).toBe('Se connecter');
    await expectNoSeriousAxeViolations(page);
    const before = (await running.stack.catcher.list()).length;
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    expect(await page.locator('h1').textContent()).toBe('Vérifiez votre messagerie');
    await expectNoSeriousAxeViolations(page);
    await eventually(async () => (await running.stack.catcher.list()).length > before, 'the sign-in mail');
    const link = await running.linkFromMail('Votre lien de connexion', email, 'Me connecter à Concerto');
    await page.goto(link);
    await page.getByRole('button', { name: 'Me connecter' }).click();
    await page.waitForURL(`${running.base}/`);
  }

  /** Opens a page, checks its status, its single h1 and its accessibility; gives back the main text. */
  async function visit(path: string, h1: RegExp): Promise<string> {
    const answer = await page.goto(running.base + path);
    expect(answer?.status(), path).toBe(200);
    expect(answer?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('h1').textContent()).toMatch(h1);
    await expectNoSeriousAxeViolations(page);
    return (await page.locator('main').textContent()) ?? '';
  }

  it('a coopérateur signs in with the mailed link, creates a fiche from the dashboard and submits it', async () => {
    await signIn(COOPERATEUR.email);
    await visit('/', /^Tableau de bord/);
    await page.getByLabel('Titre de la fiche').fill('Ludothèque itinérante');
    await page.getByRole('button', { name: 'Créer le brouillon' }).click();
    await page.waitForURL(/\/fiches\/[0-9a-f-]+\?fait=creee$/);
    const ficheId = new URL(page.url()).pathname.split('/').at(-1)!;
    const row = await running.db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } });
    fiche = { ficheId, workflowId: row.workflowId! };
    expect(row).toMatchObject({ status: 'brouillon', authorEmail: COOPERATEUR.email });
    let text = await visit(`/fiches/${ficheId}`, /^FA-\d{4}-\d+ — Ludothèque itinérante$/);
    expect(text).toMatch(/Étape\s*brouillon/);

    await page.getByRole('button', { name: 'Soumettre la fiche au COTECH' }).click();
    await page.waitForURL((url) => url.pathname === `/fiches/${ficheId}` && url.searchParams.get('fait') === 'submit');
    text = await visit(`/fiches/${ficheId}`, /^FA-\d{4}-\d+ — Ludothèque itinérante$/);
    expect(text).toMatch(/Étape\s*soumise, en attente de l’avis du COTECH/);
    expect(await page.getByRole('button', { name: 'Soumettre la fiche au COTECH' }).count()).toBe(0);
    expect(await page.locator('.timeline').textContent()).toMatch(
      /directrice\.education@example\.org : Soumission de la fiche — fait/,
    );
    expect(await running.db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } })).toMatchObject({
      status: 'soumise',
    });
    // Not an admin: no admin pages in the navigation, and a refusal page at their address.
    expect(await page.getByRole('link', { name: 'Processus' }).count()).toBe(0);
    expect((await page.goto(`${running.base}/admin/processus`))?.status()).toBe(403);
  });

  it('a meeting is convened and a poll opened (the fiche goes on the agenda, the members are mailed)', async () => {
    const conventionId = (
      await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })
    ).id;
    meetingDay = atLocalTime(nextOpenDay(toLocal(addLocalDays(new Date(), 12), ZONE), null).date, 14, 0);
    meeting = await scheduleMeeting(
      { client: running.env.client, store: createStore(running.db.prisma), taskQueue: running.stack.taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH des pages',
        startsAt: meetingDay.toISOString(),
        endsAt: new Date(meetingDay.getTime() + 7_200_000).toISOString(),
      },
      await resolveActor(running.db.prisma, conventionId, COOPERATEUR.email, COOPERATEUR.appRole),
      { timing: { agendaQuietMs: 300 } },
    );
    const deadlineDay = nextOpenDay(shiftDate(toLocal(new Date(), ZONE), 3), null).date;
    const firstPollDay = nextOpenDay(shiftDate(deadlineDay, 10), null).date;
    const pollCreated = await running.app.inject({
      method: 'POST',
      url: '/api/polls',
      headers: await tokenFor(running.db.prisma, COOPERATEUR.email),
      payload: {
        instance: 'cotech',
        title: 'GTT de printemps',
        deadline: atLocalTime(deadlineDay, 12, 0, ZONE).toISOString(),
        participants: ['caf.conseiller-territorial@example.org', 'msa.travailleur-social@example.org'],
        // Two different days: ten and twelve days on could both fall on the Monday after a weekend.
        options: [firstPollDay, nextOpenDay(shiftDate(firstPollDay, 1), null).date].map((day) => ({
          kind: 'journee',
          date: dateKey(day),
        })),
      },
    });
    expect(pollCreated.statusCode, pollCreated.body).toBe(201);
    poll = pollCreated.json();
    await eventually(
      async () => (await running.stack.catcher.list()).some((m) => m.subject.startsWith('Convocation : ')),
      'a convocation',
      60_000,
    );
    await eventually(
      async () =>
        (await running.db.prisma.agendaItem.count({
          where: { meetingId: meeting.meetingId, ficheId: fiche.ficheId },
        })) > 0,
      'the fiche on the agenda',
      60_000,
    );
  });

  it('the dashboard: the fiche in its stage’s column, the meeting ahead, the poll’s deadline', async () => {
    await signIn(ADMIN);
    const text = await visit('/', /^Tableau de bord/);
    const column = page.locator('.column', {
      has: page.getByRole('heading', { name: /^Soumise, en attente de l’avis du COTECH \(1\)$/ }),
    });
    await expect(column.getByRole('link').textContent()).resolves.toMatch(/^FA-\d{4}-\d+ — Ludothèque itinérante$/);
    expect(text).toContain('COTECH des pages');
    expect(text).toMatch(/Réponses au sondage GTT de printemps attendues avant le .* \(0 sur 2\)/);
    // The fiche's deadline, from its workflow's timers: the COTECH's avis awaited, and when it is reminded.
    expect(text).toMatch(/FA-\d{4}-\d+ Ludothèque itinérante : le COTECH rend son avis[^—]*— relance le /);
    expect(
      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Tableau de bord' })
        .getAttribute('aria-current'),
    ).toBe('page');
  });

  it('the fiche page: content, decisions, and its timeline from the workflow', async () => {
    const text = await visit(`/fiches/${fiche.ficheId}`, /^FA-\d{4}-\d+ — Ludothèque itinérante$/);
    expect(text).toContain('Titre');
    expect(text).toContain('Aucune décision enregistrée.');
    const timeline = page.locator('.timeline');
    await expect(timeline.textContent()).resolves.toMatch(
      /directrice\.education@example\.org : Soumission de la fiche — fait/,
    );
  });

  it('the meeting page: the agenda with the fiche, the members and their answers', async () => {
    // One member's address refused for good by their mail server (activities/mail.ts flags it so).
    const refused = await running.db.prisma.invitation.findFirstOrThrow({
      where: { meetingId: meeting.meetingId },
      include: { person: true },
      orderBy: { person: { email: 'asc' } },
    });
    await running.db.prisma.person.update({
      where: { id: refused.personId },
      data: { mailRefusedAt: new Date(), mailRefusal: '550 5.1.1 User unknown' },
    });
    const text = await visit(`/reunions/${meeting.meetingId}`, /^COTECH des pages$/);
    await expect(page.getByRole('row', { name: new RegExp(refused.person.email) }).textContent()).resolves.toMatch(
      /adresse refusée le .* : 550 5\.1\.1 User unknown/,
    );
    expect(text.match(/adresse refusée le/g)).toHaveLength(1);
    await expect(page.getByRole('link', { name: 'Ludothèque itinérante' }).getAttribute('href')).resolves.toBe(
      `/fiches/${fiche.ficheId}`,
    );
    expect(text).toMatch(/\d+ en attente/);
    // Its history, from the audit log: who scheduled it, and the convocation.
    expect(text).toMatch(/Historique[\s\S]*directrice\.education@example\.org : Planifiée pour le /);
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(1);
    // The convocation's mailing, as far as it is: every member convened is sent one, none failed.
    const members = await running.db.prisma.invitation.count({ where: { meetingId: meeting.meetingId } });
    await eventually(
      async () => {
        await page.reload();
        return (await page.getByRole('row', { name: /^Convocation/ }).textContent()) ===
          `Convocation${members} sur ${members}00`
          ? true
          : undefined;
      },
      'the convocation sent to every member',
      30_000,
    );
  });

  it('the calendar: the meeting on its day, and the rétroplanning picture', async () => {
    const local = toLocal(meetingDay, ZONE);
    await visit(`/calendrier?mois=${local.year}-${String(local.month).padStart(2, '0')}`, /^Calendrier/);
    await expect(page.getByRole('link', { name: /14 h COTECH des pages/ }).getAttribute('href')).resolves.toBe(
      `/reunions/${meeting.meetingId}`,
    );
    const picture = page.getByRole('img', { name: new RegExp(`^Rétroplanning ${local.year}`) });
    // The picture loaded (the page's CSP allows its own images): it has a width.
    expect(await picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(
      0,
    );
  });

  it('the polls: the list, and the poll with its dates and who has not answered', async () => {
    await visit('/sondages', /^Sondages de date$/);
    await page.getByRole('link', { name: 'GTT de printemps' }).click();
    expect(page.url()).toBe(`${running.base}/sondages/${poll.pollId}`);
    const text = await visit(`/sondages/${poll.pollId}`, /^GTT de printemps$/);
    expect(text).toContain('caf.conseiller-territorial@example.org');
  });

  it('the outbox: the caught mails, each downloadable', async () => {
    await visit('/boite-d-envoi', /^Boîte d’envoi$/);
    const link = page.getByRole('link', { name: /^Télécharger le courriel « Convocation : / }).first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/api\/outbox\/.+\.eml$/);
    const eml = await page.request.get(running.base + href!);
    expect(eml.status()).toBe(200);
    expect(await eml.text()).toMatch(/^Subject: /m);
  });

  it(
    'an admin reads a workflow’s timeline: who did what and ' +
      'when, the mails with their ledger lines, a link to Temporal',
    async () => {
      await visit('/admin/processus', /^Processus$/);
      await page.getByRole('link', { name: fiche.workflowId, exact: true }).click();
      expect(page.url()).toBe(`${running.base}/admin/processus/${encodeURIComponent(fiche.workflowId)}`);
      const text = await visit(
        `/admin/processus/${encodeURIComponent(fiche.workflowId)}`,
        /^Cycle de vie d’une fiche action/,
      );
      expect(text).toMatch(/Début : Cycle de vie d’une fiche action « Ludothèque itinérante »/);
      expect(text).toMatch(/directrice\.education@example\.org : Soumission de la fiche — fait/);
      // The step's notices (to the COTECH, to the author), one activity, the secretary's ledger line among them.
      expect(text).toMatch(
        new RegExp(
          String.raw`Courriels « Fiche FA-\d{4}-\d+ soumise au COTECH », « Votre fiche FA-\d{4}-\d+ est soumise » ` +
            String.raw`à \d+ destinataires — fait\s*` +
            String.raw`(?:.*\s*)*?assistante\.education@example\.org, essai 1, .* : envoyé`,
        ),
      );
      const temporal = page.getByRole('link', { name: `Ouvrir ${fiche.workflowId} dans Temporal` });
      await expect(temporal.getAttribute('href')).resolves.toMatch(
        new RegExp(`^${TEMPORAL_UI}/namespaces/default/workflows/${fiche.workflowId}/[0-9a-f-]+/history$`),
      );

      const admin = await tokenFor(running.db.prisma, ADMIN);
      const api = await running.app.inject({
        method: 'GET',
        url: `/api/workflows/${fiche.workflowId}/timeline`,
        headers: admin,
      });
      expect(api.statusCode).toBe(200);
      expect(api.json().entries.find((e: { what: string }) => e.what === 'Soumission de la fiche')).toMatchObject({
        who: COOPERATEUR.email,
        kind: 'update',
        outcome: 'fait',
      });
      expect(
        (await running.app.inject({ method: 'GET', url: '/api/workflows/nothing-here/timeline', headers: admin }))
          .statusCode,
      ).toBe(404);
      expect(
        (
          await running.app.inject({
            method: 'GET',
            url: `/api/workflows/${fiche.workflowId}/timeline`,
            headers: await tokenFor(running.db.prisma, COOPERATEUR.email),
          })
        ).statusCode,
      ).toBe(403);
    },
  );

  it('the audit log: the submission and the meeting, linked to their pages', async () => {
    const text = await visit('/admin/journal', /^Journal$/);
    expect(text).toContain('Soumission de la fiche');
    expect(text).toContain('Réunion programmée');
    await expect(
      page
        .getByRole('link', { name: `fiche:${fiche.ficheId}` })
        .first()
        .getAttribute('href'),
    ).resolves.toBe(`/fiches/${fiche.ficheId}`);

    // Filtered by a plain form (no script needed), the export keeping the filter.
    await page.getByLabel('Action').selectOption({ label: 'Connexions : tout' });
    await page.getByLabel('Qui (adresse)').fill(ADMIN);
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/\/admin\/journal\?/);
    expect(new URL(page.url()).searchParams.get('action')).toBe('signin');
    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(new RegExp(`^.*${ADMIN}Connexion`));
    await expectNoSeriousAxeViolations(page);
    const csvLink = page.getByRole('link', { name: 'Exporter ces lignes en CSV' });
    const href = (await csvLink.getAttribute('href'))!;
    expect(href).toBe(`/api/audit.csv?actor=${encodeURIComponent(ADMIN)}&action=signin`);
    const csv = await page.request.get(running.base + href);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')[0]).toBe('\uFEFFDate (UTC);Qui;Action;Libellé;Sur;Détails');
  });

  it('loading the demo shows its progress on the page until it is done', async () => {
    await visit('/admin/demo', /^Charger la démonstration$/);
    await page.getByRole('button', { name: 'Charger la démonstration' }).click();
    await page.waitForURL(/\/admin\/taches\/[0-9a-f-]+$/);
    expect(await page.locator('h1').textContent()).toBe('Chargement de la démonstration');
    // The page's script took over the status line (its no-script reload link is hidden) and ends with the outcome.
    await expect(page.locator('.reload').isHidden()).resolves.toBe(true);
    const status = page.getByRole('status');
    await eventually(
      async () =>
        new RegExp(
          String.raw`^Démonstration « ctg-mellois-en-poitou-2023-2027 » ` +
            String.raw`chargée : 0 créés, 0 mis à jour, \d+ inchangés, 0 retirés\. ` +
            // The convention already has this file's fiche: it is not brought to life a second time.
            String.raw`Elle vivait déjà \(fiches ou calendrier en cours\) : rien n’a été ajouté\.$`,
        ).test((await status.textContent()) ?? ''),
      'the outcome on the page',
      60_000,
    );
    expect(
      await page
        .locator('progress')
        .evaluate(
          (bar) => (bar as unknown as { value: number; max: number }).value === (bar as unknown as { max: number }).max,
        ),
    ).toBe(true);
    await expectNoSeriousAxeViolations(page);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const job = await running.app.inject({
      method: 'GET',
      url: `/api/jobs/${id}`,
      headers: await tokenFor(running.db.prisma, ADMIN),
    });
    expect(job.json()).toMatchObject({ status: 'done', done: expect.any(Number), total: expect.any(Number) });
    expect(job.json().done).toBe(job.json().total);
    expect(job.json().total).toBeGreaterThan(50);
  });

  it(
    'a setup pasted on the import page is previewed first: unchanged, or what is wrong, nothing written',
    { timeout: 180_000 },
    async () => {
      const admin = await tokenFor(running.db.prisma, ADMIN);
      const exported = await running.app.inject({
        method: 'GET',
        url: `/api/conventions/${DEMO_CONVENTION_SLUG}/setup`,
        headers: admin,
      });
      expect(exported.statusCode).toBe(200);
      // The preview's page, as text; its confirmation (and the import) is account-admin-pages.test.ts'.
      const previewing = async (text: string) => {
        await visit('/admin/import', /^Importer$/);
        await page.getByLabel('Configuration (JSON)').fill(text);
        await page.getByRole('button', { name: 'Prévisualiser l’import de la configuration' }).click();
        await page.waitForURL(/\/admin\/import\/apercu$/);
        expect(await page.locator('h1').textContent()).toBe('Aperçu de l’import de la configuration');
        await expectNoSeriousAxeViolations(page);
        return (await page.locator('main').textContent()) ?? '';
      };
      const people = await running.db.prisma.person.count();
      expect(await previewing(exported.body)).toContain('Le fichier ne change rien');
      expect(await previewing('{"format":')).toContain('n’est pas un JSON valide');
      const broken = JSON.parse(exported.body) as { people: Array<{ email: string }> };
      broken.people.push({ ...broken.people[0]!, email: 'pas-une-adresse' });
      expect(await previewing(JSON.stringify(broken))).toContain(
        `« people.${broken.people.length - 1}.email » doit être une adresse e-mail valide`,
      );
      expect(await page.getByRole('button', { name: 'Confirmer l’import de la configuration' }).count()).toBe(0);
      expect(await running.db.prisma.person.count()).toBe(people);
    },
  );

  it('a page that does not exist is a French 404 page', async () => {
    const answer = await page.goto(`${running.base}/reunions/00000000-0000-0000-0000-000000000000`);
    expect(answer?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page introuvable');
    await expectNoSeriousAxeViolations(page);
  });
});
