import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { addLocalDays, dateKey, shiftDate, toLocal, weekdayOf, type LocalDate } from '../../domain/paris-time.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { findActor } from '../../store/access/find-actor.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';

// The COTECH's secretary convenes, moves and cancels a meeting through the pages only, in headless
// Chromium at 360 px wide: a Saturday is refused before anything is sent, held with the reason of a
// dérogation, then the meeting is moved to an open day with a reason, then cancelled; the members'
// mails reach the SMTP catcher. Every state of the forms is checked with axe.

const ZONE = 'Europe/Paris';
const SECRETARY = DEMO_PEOPLE.secretaire.email;
const TITLE = 'COTECH convoqué par la page';
const HELD = 'COTECH tenu ce jour';

describe('convening, moving and cancelling a meeting from the pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let page: Page;
  let meetingId: string | undefined;
  let heldWorkflowId: string | undefined;

  beforeAll(async () => {
    running = await startBrowserApp('browser-meeting-forms');
  });

  afterAll(async () => {
    const row = meetingId ? await running.db.prisma.meeting.findUnique({ where: { id: meetingId } }) : null;
    for (const workflowId of [row?.workflowId, heldWorkflowId])
      if (workflowId)
        await running.env.client.workflow
          .getHandle(workflowId)
          .terminate('fin du test')
          .catch(() => undefined);
    await running?.stop();
  });

  /** The main text of the page, once axe found nothing serious. */
  async function mainText(): Promise<string> {
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await expectNoSeriousAxeViolations(page);
    return (await page.locator('main').textContent()) ?? '';
  }

  /** A form's page: checked as any page, and usable at 360 px (nothing wider than the screen). */
  async function formText(): Promise<string> {
    const wider = await page.evaluate<string[]>(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 360)` +
        `.map((e) => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right))`,
    );
    expect(wider).toEqual([]);
    return mainText();
  }

  /** Mails whose subject starts so, to the members. */
  const mailsTo = async (subjectStart: string) =>
    (await running.stack.catcher.list()).filter((m) => m.subject.startsWith(`${subjectStart} : ${TITLE}`));

  it('signs in, convenes on a Saturday: refused before sending, held with a reason, confirmed', async () => {
    page = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${running.base}/connexion`);
    await page.getByLabel('Adresse électronique').fill(SECRETARY);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    await page.goto(await running.linkFromMail('Votre lien de connexion', SECRETARY, 'Me connecter à Concerto'));
    await page.getByRole('button', { name: 'Me connecter' }).click();
    await page.waitForURL(`${running.base}/`);

    await page.goto(`${running.base}/calendrier`);
    await page.getByRole('link', { name: 'Convoquer une réunion' }).click();
    expect(await page.locator('h1').textContent()).toBe('Convoquer une réunion');
    await formText();

    // A field left wrong: its error beside it, what was typed kept.
    await page.getByLabel('Instance').selectOption('cotech');
    await page.getByLabel('Titre de la réunion').fill(TITLE);
    await page.getByRole('button', { name: 'Vérifier la date' }).click();
    expect(await page.locator('#champ-date-erreur').textContent()).toBe('Indiquez le jour.');
    expect(await page.getByLabel('Titre de la réunion').inputValue()).toBe(TITLE);
    expect(await page.getByLabel('Jour de la réunion').getAttribute('aria-invalid')).toBe('true');
    await formText();

    const saturday = nextSaturday(toLocal(addLocalDays(new Date(), 21, ZONE), ZONE));
    await page.getByLabel('Jour de la réunion').fill(dateKey(saturday));
    await page.getByLabel('Heure de début (heure de Paris)').fill('10:00');
    await page.getByLabel('Heure de fin (heure de Paris)').fill('12:00');
    await page.getByLabel('Lieu').fill('Salle du conseil, Trifouillis');
    await page.getByRole('button', { name: 'Vérifier la date' }).click();
    let text = await formText();
    expect(text).toMatch(/Vérification de la date/);
    expect(text).toMatch(/samedi \d+(er)? \S+ \d{4}, 10 h/);
    expect(text).toMatch(/tombe un jour sans réunion \(samedi/);
    expect(await running.db.prisma.meeting.count({ where: { title: TITLE } })).toBe(0);

    // Confirming without the reason of the dérogation: refused beside that field.
    await page.getByRole('button', { name: 'Convoquer la réunion' }).click();
    expect(await page.locator('#champ-derogation-erreur').textContent()).toMatch(/motif de la dérogation/);
    await formText();
    expect(await running.db.prisma.meeting.count({ where: { title: TITLE } })).toBe(0);

    await page.getByLabel(/Motif de la dérogation/).fill('Seule date où le quorum est réuni.');
    await page.getByRole('button', { name: 'Convoquer la réunion' }).click();
    await page.waitForURL(/\/reunions\/[0-9a-f-]+\?fait=convoquee$/);
    meetingId = new URL(page.url()).pathname.split('/').at(-1)!;
    text = await mainText();
    expect(await page.getByRole('status').textContent()).toMatch(/La réunion est planifiée/);
    expect(text).toMatch(/Dérogation.*Motif : Seule date où le quorum est réuni\./s);
    expect(await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } })).toMatchObject({
      title: TITLE,
      location: 'Salle du conseil, Trifouillis',
    });
    // The workflow convenes the members once the agenda is quiet (a minute).
    await eventually(async () => (await mailsTo('Convocation')).length > 0, 'the convocations', 120_000);
  }, 180_000);

  it('moves the meeting to an open day with a reason, then cancels it with another', async () => {
    await page.getByRole('link', { name: 'Déplacer la réunion' }).click();
    expect(await page.locator('h1').textContent()).toBe('Déplacer la réunion');
    await formText();
    const openDay = nextOpenDay(toLocal(addLocalDays(new Date(), 28, ZONE), ZONE), null).date;
    await page.getByLabel('Jour de la réunion').fill(dateKey(openDay));
    await page.getByLabel('Heure de début (heure de Paris)').fill('14:00');
    await page.getByLabel('Heure de fin (heure de Paris)').fill('16:00');
    await page.getByLabel(/Motif du report/).fill('La salle est prise ce samedi-là.');
    await page.getByRole('button', { name: 'Vérifier la date' }).click();
    expect(await formText()).toMatch(/Cette date respecte les règles de convocation\./);
    await page.getByRole('button', { name: 'Déplacer la réunion' }).click();
    await page.waitForURL(/\?fait=deplacee$/);
    const text = await mainText();
    expect(await page.getByRole('status').textContent()).toMatch(/La réunion est déplacée/);
    expect(text).toMatch(/motif : La salle est prise ce samedi-là\./);
    await eventually(async () => (await mailsTo('Modification')).length > 0, 'the update mails', 60_000);

    await page.getByRole('link', { name: 'Annuler la réunion' }).click();
    await formText();
    // No reason: refused beside the field.
    await page.getByRole('button', { name: 'Annuler la réunion' }).click();
    expect(await page.locator('#champ-motif-erreur').textContent()).toMatch(/Dites pourquoi la réunion est annulée/);
    await formText();
    await page.getByLabel(/Motif de l’annulation/).fill('Le point principal est reporté au COPIL.');
    await page.getByRole('button', { name: 'Annuler la réunion' }).click();
    await page.waitForURL(/\?fait=annulee$/);
    expect(await mainText()).toMatch(/annulée \(motif : Le point principal est reporté au COPIL\.\)/);
    // Cancelled: no action left on its page, and its forms refuse.
    expect(await page.getByRole('link', { name: 'Déplacer la réunion' }).count()).toBe(0);
    expect((await page.goto(`${running.base}/reunions/${meetingId}/annuler`))?.status()).toBe(409);
    await eventually(async () => (await mailsTo('Annulée')).length > 0, 'the cancellation mails', 60_000);
  }, 180_000);

  it('takes attendance on the day (a pouvoir, the quorum) and sends the relevé de décisions', async () => {
    // Set-up: a meeting of the COTECH starting in seconds, convened at once.
    const conventionId = (
      await running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })
    ).id;
    const startsAt = new Date(Date.now() + 15_000);
    const held = await scheduleMeeting(
      { client: running.env.client, store: createStore(running.db.prisma), taskQueue: running.stack.taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title: HELD,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Test : réunion imminente' },
      },
      await findActor(running.db.prisma, conventionId, { email: SECRETARY }),
      { timing: { agendaQuietMs: 300 } },
    );
    heldWorkflowId = held.workflowId;
    await eventually(
      async () =>
        Date.now() > startsAt.getTime() &&
        (await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: held.meetingId } })).status === 'convoquee',
      'the meeting convened and begun',
      60_000,
    );

    await page.goto(`${running.base}/reunions/${held.meetingId}`);
    await page.getByRole('link', { name: 'Enregistrer les présences' }).click();
    expect(await page.locator('h1').textContent()).toBe('Présences');
    expect(await formText()).toMatch(/quorum non atteint/);
    const rows = await page.locator('fieldset').count();
    expect(rows).toBeGreaterThan(2);
    // The first gives a pouvoir, to no one yet; the others are present.
    await page.locator('input[name="statut-0"][value="pouvoir"]').check();
    for (let i = 1; i < rows; i += 1) await page.locator(`input[name="statut-${i}"][value="present"]`).check();
    await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
    expect(await page.locator('#membre-0-erreur').textContent()).toMatch(/Choisissez le membre présent/);
    expect(await page.locator('input[name="statut-1"][value="present"]').isChecked()).toBe(true);
    await formText();
    const holder = await page.locator('input[name="membre-1"]').inputValue();
    await page.locator('select[name="pouvoir-0"]').selectOption(holder);
    await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
    await page.waitForURL(/\?fait=presences$/);
    expect(await page.getByRole('status').textContent()).toMatch(/Les présences sont enregistrées/);
    await mainText();
    expect(await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: held.meetingId } })).toMatchObject({
      status: 'tenue',
      quorumReached: true,
    });
    const invitations = await running.db.prisma.invitation.findMany({ where: { meetingId: held.meetingId } });
    expect(invitations.filter((i) => i.attendance === 'present')).toHaveLength(rows - 1);
    expect(invitations.filter((i) => i.attendance === 'represente')).toHaveLength(1);

    await page.getByRole('button', { name: 'Envoyer le relevé de décisions' }).click();
    await page.waitForURL(/\?fait=releve$/);
    expect(await page.getByRole('status').textContent()).toMatch(/Le relevé de décisions part aux membres/);
    await mainText();
    await eventually(
      async () =>
        (await running.stack.catcher.list()).some((m) => m.subject.startsWith(`Relevé de décisions : ${HELD}`)),
      'the relevé de décisions',
      60_000,
    );
  }, 180_000);
});

/** The first Saturday on or after `day`. */
function nextSaturday(day: LocalDate): LocalDate {
  return shiftDate(day, (6 - weekdayOf(day) + 7) % 7);
}
