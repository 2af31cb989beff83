import type { Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeStep } from '../../client/fiche-steps.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { startFiche } from '../../client/start-fiche.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, dateKey, toLocal } from '../../domain/paris-time.js';
import { findActor } from '../../store/access/find-actor.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import { ficheStateQuery } from '../../workflows/definitions.js';
import { signedInPage, startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectUsablePage, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';

// The COTECH's secretary, through the pages only (set-up excepted), in headless Chromium at 360 px:
// convenes from the calendar's instance link with free items ordered by their rank, then reorders
// the ordre du jour with its buttons; on the day of another meeting holds the séance: the quorum
// recounted as rows are ticked, attendance with a pouvoir, a free item's decision and a fiche's
// avis recorded in place (the avis reaches the fiche's workflow), the relevé sent, the compte
// rendu uploaded (a non-PDF refused) and caught by the SMTP catcher as a PDF attachment.

const ZONE = 'Europe/Paris';
const SECRETARY = DEMO_PEOPLE.secretaire.email;
const CONVENED = 'COTECH de la page du jour';
const HELD = 'COTECH en séance';
/** A PDF past the app's 1 Mio body limit (a comment pads it): only the upload's own cap applies. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    `%${'x'.repeat(1_500_000)}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
);

describe('the meeting’s ordre du jour and its séance from the pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let page: Page;
  let conventionId: string;
  const workflowIds: string[] = [];

  beforeAll(async () => {
    running = await startBrowserApp('browser-meeting-day');
    conventionId = (await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  });

  afterAll(async () => {
    for (const workflowId of workflowIds)
      await running.env.client.workflow
        .getHandle(workflowId)
        .terminate('fin du test')
        .catch(() => undefined);
    await running?.stop();
  });

  const deps = () => ({
    client: running.env.client,
    store: createStore(running.db.prisma),
    taskQueue: running.stack.taskQueue,
  });

  /** Set-up: a fiche submitted to the COTECH, which puts itself on the next COTECH's agenda. */
  async function submittedFiche(title: string): Promise<{ ficheId: string; workflowId: string }> {
    const author = DEMO_PEOPLE.cooperateur.email;
    const { ficheId, handle } = await startFiche(deps(), conventionId, { title, authorEmail: author }, author);
    workflowIds.push(handle.workflowId);
    await eventually(async () => (await handle.query(ficheStateQuery)).code, 'the fiche recorded', 30_000);
    await takeStep(handle, 'submit', { actor: await findActor(running.db.prisma, conventionId, { email: author }) });
    return { ficheId, workflowId: handle.workflowId };
  }

  /** The page is French, fits 360 px (wide tables scroll in their box) and passes axe; its main text. */
  async function checked(): Promise<string> {
    await expectUsablePage(page);
    return (await page.locator('main').textContent()) ?? '';
  }

  const agendaTitles = async (meetingId: string) =>
    (await running.db.prisma.agendaItem.findMany({ where: { meetingId }, orderBy: { position: 'asc' } })).map(
      (i) => i.title,
    );

  it('convenes from the calendar’s instance link: free items ordered by rank, then moved by buttons', async () => {
    const due = await submittedFiche('Ludothèque itinérante');
    const dueCode = (await running.db.prisma.ficheAction.findUniqueOrThrow({ where: { id: due.ficheId } })).code;
    page = await signedInPage(running, browser, SECRETARY);
    await page.goto(`${running.base}/calendrier`);
    await checked();
    // A day of the month links to the form with that day.
    expect(await page.getByRole('link', { name: /^Convoquer le / }).count()).toBeGreaterThan(27);
    await page.getByRole('link', { name: /^Convoquer Comité technique/ }).click();
    expect(await page.getByLabel('Instance').inputValue()).toBe('cotech');
    let text = await checked();
    expect(text).toContain(`Fiche ${dueCode}`);

    const day = nextOpenDay(toLocal(addLocalDays(new Date(), 30, ZONE), ZONE), null).date;
    await page.getByLabel('Titre de la réunion').fill(CONVENED);
    await page.getByLabel('Jour de la réunion').fill(dateKey(day));
    await page.locator('#point-0-titre').fill('Budget 2027');
    await page.locator('#point-0-note').fill('Présenté par la trésorière.');
    await page.getByRole('button', { name: 'Vérifier la date' }).click();
    // A row more for another item: put first by its rank.
    await page.locator('#point-1-titre').fill('Questions diverses');
    await page.locator('#point-1-rang').fill('0');
    await page.getByRole('button', { name: /Vérifier/ }).click();
    expect(await page.locator('#point-0-titre').inputValue()).toBe('Questions diverses');
    expect(await page.locator('#point-1-titre').inputValue()).toBe('Budget 2027');
    // A note without a title: refused beside its row, nothing convened.
    await page.locator('#point-2-note').fill('Sans titre');
    await page.getByRole('button', { name: /Vérifier/ }).click();
    expect(await page.locator('#point-2-erreur').textContent()).toBe('Donnez un titre au point.');
    expect(await page.getByRole('button', { name: 'Convoquer la réunion' }).count()).toBe(0);
    await checked();
    await page.locator('#point-2-note').fill('');
    await page.getByRole('button', { name: /Vérifier/ }).click();
    const derogation = page.getByLabel(/Motif de la dérogation/);
    if (await derogation.count()) await derogation.fill('Date fixée par le président.');
    await checked();
    await page.getByRole('button', { name: 'Convoquer la réunion' }).click();
    await page.waitForURL(/\/reunions\/[0-9a-f-]+\?fait=convoquee$/);
    const meetingId = new URL(page.url()).pathname.split('/').at(-1)!;
    workflowIds.push((await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } })).workflowId!);
    expect((await agendaTitles(meetingId)).slice(0, 2)).toEqual(['Questions diverses', 'Budget 2027']);

    await page.getByRole('link', { name: 'Modifier l’ordre du jour' }).click();
    expect(await page.locator('h1').textContent()).toBe('Ordre du jour');
    await checked();
    await page.getByRole('button', { name: 'Ajouter le point' }).click();
    expect(await page.locator('#nouveau-point-erreur').textContent()).toBe('Donnez un titre au point.');
    await checked();
    await page.getByLabel('Titre du point').fill('Calendrier des rencontres');
    await page.getByRole('button', { name: 'Ajouter le point' }).click();
    await page.waitForURL(/\?fait=point$/);
    await page.getByRole('button', { name: 'Monter : Budget 2027' }).click();
    await page.waitForURL(/\?fait=ordre$/);
    text = await checked();
    expect(text).toContain('L’ordre du jour est mis à jour.');
    const titles = await agendaTitles(meetingId);
    expect(titles.slice(0, 2)).toEqual(['Budget 2027', 'Questions diverses']);
    expect(titles.at(-1)).toBe('Calendrier des rencontres');
    expect(await running.db.prisma.agendaItem.findFirst({ where: { meetingId, title: 'Budget 2027' } })).toMatchObject({
      note: 'Présenté par la trésorière.',
    });
  }, 180_000);

  it('holds the séance: live quorum, a pouvoir, decisions in place, relevé, compte rendu mailed as a PDF', async () => {
    // Set-up: a COTECH starting in seconds with a free item, and a fiche submitted after it (it joins it).
    const startsAt = new Date(Date.now() + 20_000);
    const secretary = await findActor(running.db.prisma, conventionId, { email: SECRETARY });
    const held = await scheduleMeeting(
      deps(),
      conventionId,
      {
        instance: 'cotech',
        title: HELD,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Test : réunion imminente' },
        agenda: [{ title: 'Locaux du relais', note: 'Proposition de la mairie.' }],
      },
      secretary,
      { timing: { agendaQuietMs: 300, agendaUpdateQuietMs: 300 } },
    );
    workflowIds.push(held.workflowId);
    const fiche = await submittedFiche('Accueil des familles le samedi');
    await eventually(
      async () =>
        Date.now() > startsAt.getTime() &&
        (await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: held.meetingId } })).status === 'convoquee' &&
        (await running.db.prisma.agendaItem.count({ where: { meetingId: held.meetingId, ficheId: fiche.ficheId } })) ===
          1,
      'the meeting convened with the fiche on its agenda, and begun',
      60_000,
    );

    await page.goto(`${running.base}/reunions/${held.meetingId}`);
    await page.getByRole('link', { name: /^Tenir la séance/ }).click();
    expect(await page.locator('h1').textContent()).toBe(`Séance — ${HELD}`);
    await checked();
    const quorum = page.locator('#quorum');
    expect(await quorum.textContent()).toMatch(/0 présent, 0 pouvoir — quorum non atteint/);
    const rows = await page.locator('form[data-seats] fieldset').count();
    expect(rows).toBeGreaterThan(2);
    // Ticked, the quorum is recounted without reloading; the first gives a pouvoir to the second.
    for (let i = 1; i < rows; i += 1) await page.locator(`input[name="statut-${i}"][value="present"]`).check();
    expect(await quorum.textContent()).toMatch(
      new RegExp(`${rows - 1} présents, 0 pouvoir — quorum atteint \\(\\d+ requis sur ${rows} sièges\\)`),
    );
    await page.locator('input[name="statut-0"][value="pouvoir"]').check();
    // A pouvoir given to no one: refused beside the row, on the attendance form that returns to the séance.
    await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
    expect(await page.locator('#membre-0-erreur').textContent()).toMatch(/Choisissez le membre présent/);
    await checked();
    await page
      .locator('select[name="pouvoir-0"]')
      .selectOption(await page.locator('input[name="membre-1"]').inputValue());
    await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
    await page.waitForURL(/\/seance\?fait=presences$/);
    let text = await checked();
    expect(text).toContain('Les présences sont enregistrées.');
    expect(await quorum.textContent()).toMatch(/quorum atteint/);
    const invitations = await running.db.prisma.invitation.findMany({ where: { meetingId: held.meetingId } });
    expect(invitations.filter((i) => i.attendance === 'represente')).toHaveLength(1);
    expect(invitations.filter((i) => i.attendance === 'present')).toHaveLength(rows - 1);

    // A free item's decision: empty, refused beside it; then recorded.
    const free = await running.db.prisma.agendaItem.findFirstOrThrow({
      where: { meetingId: held.meetingId, ficheId: null },
    });
    await page.getByRole('button', { name: 'Enregistrer la décision sur « Locaux du relais »' }).click();
    expect(await page.locator(`#decision-${free.id}-erreur`).textContent()).toBe(
      'Écrivez la décision prise sur ce point.',
    );
    await checked();
    await page.getByLabel('Décision prise sur ce point').fill('Le relais s’installe salle Jean-Moulin en janvier.');
    await page.getByRole('button', { name: 'Enregistrer la décision sur « Locaux du relais »' }).click();
    await page.waitForURL(/\?fait=decision#point-/);
    await checked();

    // The fiche's avis, with the fiche page's own form, in place: it reaches the fiche's workflow.
    const item = await running.db.prisma.agendaItem.findFirstOrThrow({
      where: { meetingId: held.meetingId, ficheId: fiche.ficheId },
    });
    await page.locator(`#point-${item.id}-etape-recordAvis-favorable`).check();
    await page.locator(`#point-${item.id}-etape-recordAvis-comment`).fill('Projet attendu par les familles.');
    await page.locator(`#point-${item.id}`).getByRole('button', { name: 'Enregistrer l’avis du COTECH' }).click();
    await page.waitForURL(/\?fait=recordAvis#point-/);
    text = await checked();
    expect(text).toContain('L’avis du COTECH est enregistré.');
    const state = await running.env.client.workflow.getHandle(fiche.workflowId).query(ficheStateQuery);
    expect(state.lifecycle.review?.avis).toMatchObject({ outcome: 'favorable' });
    expect(
      await running.db.prisma.decision.findFirstOrThrow({ where: { ficheId: fiche.ficheId, stage: 'soumise' } }),
    ).toMatchObject({ meetingId: held.meetingId, outcome: 'favorable' });
    // The relevé as it will be sent: both decisions.
    expect(text).toMatch(/Locaux du relais : Le relais s’installe salle Jean-Moulin en janvier\./);
    expect(text).toMatch(/Accueil des familles le samedi : favorable/);

    await page.getByRole('button', { name: 'Envoyer le relevé de décisions' }).click();
    await page.waitForURL(/\/seance\?fait=releve$/);
    await checked();
    const releve = await eventually(
      async () =>
        (await running.stack.catcher.list()).find(
          (m) => m.subject.startsWith(`Relevé de décisions : ${HELD}`) && m.to.includes(SECRETARY),
        ),
      'the relevé de décisions',
      60_000,
    );
    const releveText = (await simpleParser((await running.stack.catcher.readRaw(releve.id))!)).text ?? '';
    expect(releveText).toContain('Locaux du relais : Le relais s’installe salle Jean-Moulin en janvier.');
    expect(releveText).toMatch(/Accueil des familles le samedi : favorable/);

    // The compte rendu: a text file refused, then the PDF, mailed to the members as an attachment.
    await page.goto(`${running.base}/reunions/${held.meetingId}/seance`);
    await page.getByLabel(/Compte rendu \(PDF/).setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Des notes, pas un PDF.'),
    });
    await page.getByRole('button', { name: 'Déposer et envoyer le compte rendu' }).click();
    expect(await page.locator('#compte-rendu-erreur').textContent()).toMatch(/n’est pas un PDF/);
    await checked();
    await page.getByLabel(/Compte rendu \(PDF/).setInputFiles({
      name: 'trop-lourd.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([PDF, Buffer.alloc(9 * 1024 * 1024)]),
    });
    await page.getByRole('button', { name: 'Déposer et envoyer le compte rendu' }).click();
    expect(await page.locator('#compte-rendu-erreur').textContent()).toMatch(/dépasse 10 Mo/);
    expect(await running.db.prisma.minutesFile.count()).toBe(0);
    await page.getByLabel(/Compte rendu \(PDF/).setInputFiles({
      name: 'compte-rendu.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByRole('button', { name: 'Déposer et envoyer le compte rendu' }).click();
    await page.waitForURL(/\/seance\?fait=compte-rendu$/);
    text = await checked();
    expect(text).toContain('Le compte rendu est déposé');
    const download = await page.request.get(`${running.base}/reunions/${held.meetingId}/compte-rendu.pdf`);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect(Buffer.from(await download.body()).equals(PDF)).toBe(true);

    const mail = await eventually(
      async () =>
        (await running.stack.catcher.list()).find(
          (m) => m.subject.startsWith(`Compte rendu : ${HELD}`) && m.to.includes(SECRETARY),
        ),
      'the compte rendu',
      60_000,
    );
    const parsed = await simpleParser((await running.stack.catcher.readRaw(mail.id))!);
    const pdf = parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toMatch(/^compte-rendu-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(pdf?.content.equals(PDF)).toBe(true);
    // One ledger line per seat: the notice's lines are claimed a few at a time, the secretary's may come first.
    const filedLines = () =>
      running.db.prisma.notification.count({
        where: { workflowId: held.workflowId, idempotencyKey: { contains: ':filed-minutes-' } },
      });
    await eventually(async () => (await filedLines()) >= rows, 'a ledger line per seat');
    expect(await filedLines()).toBe(rows);
    await page.goto(`${running.base}/reunions/${held.meetingId}`);
    expect(await checked()).toContain('Télécharger le compte rendu');
  }, 240_000);
});
