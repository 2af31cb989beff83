import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateKey, shiftDate, weekdayOf, parseDateKey } from '../../domain/paris-time.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';

// A coopérateur proposes dates for a COTECH through the pages only, in headless Chromium at 360 px:
// the engine's suggestions (the COTECH's rule: Tuesdays at 14:00) ticked, a Saturday added and
// refused beside its field, then a slot of the first Tuesday that starts at the same time; the
// secretary answers by the link of her invitation; the organiser follows the answers, closes the
// poll, meets the tie and chooses; the meeting exists and its convocations reach the SMTP catcher.
// A member without the right sees neither link nor button, but the reason. Every state is checked
// with axe.

const ORGANISER = DEMO_PEOPLE.cooperateur.email;
const SECRETARY = DEMO_PEOPLE.secretaire.email;
const MEMBER = DEMO_PEOPLE.membre.email;
const TITLE = 'COTECH daté par la page';

describe('proposing dates, following the answers, closing and choosing from the pages (headless Chromium)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let page: Page;
  let pollId: string;
  let meetingWorkflowId: string | undefined;

  beforeAll(async () => {
    running = await startBrowserApp('browser-poll-pages');
  });

  afterAll(async () => {
    const poll = pollId ? await running.db.prisma.poll.findUnique({ where: { id: pollId } }) : null;
    for (const workflowId of [poll?.workflowId, meetingWorkflowId])
      if (workflowId)
        await running.env.client.workflow
          .getHandle(workflowId)
          .terminate('fin du test')
          .catch(() => undefined);
    await running?.stop();
  });

  async function signIn(email: string): Promise<Page> {
    const signed = await browser.newPage();
    await signed.setViewportSize({ width: 360, height: 800 });
    await signed.goto(`${running.base}/connexion`);
    await signed.getByLabel('Adresse électronique').fill(email);
    await signed.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    await signed.goto(await running.linkFromMail('Votre lien de connexion', email, 'Me connecter à Concerto'));
    await signed.getByRole('button', { name: 'Me connecter' }).click();
    await signed.waitForURL(`${running.base}/`);
    return signed;
  }

  /**
   * The main text of the page, once axe found nothing serious and the page is usable at 360 px:
   * nothing wider than the screen, but inside a table's own scrolling region.
   */
  async function checked(on: Page = page): Promise<string> {
    expect(await on.locator('html').getAttribute('lang')).toBe('fr');
    await expectNoSeriousAxeViolations(on);
    const wider = await on.evaluate<string[]>(
      `[...document.querySelectorAll('body *')]` +
        `.filter((e) => !e.parentElement.closest('.scroll') && e.getBoundingClientRect().right > 360)` +
        `.map((e) => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right))`,
    );
    expect(wider).toEqual([]);
    expect(await on.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    return (await on.locator('main').textContent()) ?? '';
  }

  it('proposes dates from the suggestions: a Saturday refused beside its field, then the poll started', async () => {
    page = await signIn(ORGANISER);
    await page.goto(`${running.base}/sondages`);
    await checked();
    await page.getByRole('link', { name: 'Proposer des dates' }).click();
    expect(await page.locator('h1').textContent()).toBe('Proposer des dates');
    await checked();
    await page.getByLabel('Instance qui se réunira').selectOption('cotech');
    await page.getByRole('button', { name: 'Continuer' }).click();
    let text = await checked();
    expect(text).toMatch(/laissent 7 jours francs de convocation/);
    expect(text).toMatch(/règle du calendrier : le mardi, à 14 h 00/);

    // The suggestions: Tuesdays from 14:00 to 17:00, none ticked; every COTECH member ticked.
    const first = page.locator('#date-0');
    const second = page.locator('#date-1');
    const [firstKey, secondKey] = [await first.getAttribute('value'), await second.getAttribute('value')];
    for (const key of [firstKey, secondKey]) {
      expect(key).toMatch(/^\d{4}-\d{2}-\d{2} 14:00-17:00$/);
      expect(weekdayOf(parseDateKey(key!.slice(0, 10)))).toBe(2);
    }
    expect(await first.isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: SECRETARY }).isChecked()).toBe(true);

    await page.getByLabel('Titre (celui de la réunion)').fill(TITLE);
    await first.check();
    await second.check();
    const firstDay = parseDateKey(firstKey!.slice(0, 10));
    const saturday = shiftDate(firstDay, 4);
    const other = page.getByRole('group', { name: 'Autre date 1' });
    await other.getByLabel('Jour').fill(dateKey(saturday));
    await other.getByLabel('Début (heure de Paris)').fill('10:00');
    await other.getByLabel('Fin (heure de Paris)').fill('12:00');
    await page.getByLabel('Autres participants (facultatif)').fill(`${MEMBER}\ninconnu@example.org`);
    await page.getByRole('button', { name: 'Vérifier les dates' }).click();
    expect(await page.locator('#champ-autres-participants-erreur').textContent()).toBe(
      'Cette adresse n’est d’aucune personne de la convention : inconnu@example.org.',
    );
    expect(await page.locator('#champ-autre-0-date-erreur').textContent()).toMatch(
      /samedi .* tombe un jour sans réunion \(samedi\)/,
    );
    expect(await page.getByRole('alert').textContent()).toMatch(/2 erreurs empêchent/);
    expect(await page.getByRole('button', { name: 'Lancer le sondage' }).count()).toBe(0);
    expect(await page.getByLabel('Titre (celui de la réunion)').inputValue()).toBe(TITLE);
    expect(await page.locator('#date-0').isChecked()).toBe(true);
    await checked();

    // The first Tuesday again, 14:00 to 16:00: it starts with the first suggestion, so equal answers tie.
    await other.getByLabel('Jour').fill(dateKey(firstDay));
    await other.getByLabel('Début (heure de Paris)').fill('14:00');
    await other.getByLabel('Fin (heure de Paris)').fill('16:00');
    // A member of the COPIL asked too: a person of the convention, not of the COTECH.
    await page.getByLabel('Autres participants (facultatif)').fill(MEMBER);
    await page.getByRole('button', { name: 'Vérifier les dates' }).click();
    text = await checked();
    expect(text).toMatch(/Ces 3 dates respectent les règles ; l’invitation part à 16 participants\./);
    expect(await running.db.prisma.poll.count({ where: { title: TITLE } })).toBe(0);
    await page.getByRole('button', { name: 'Lancer le sondage' }).click();
    await page.waitForURL(/\/sondages\/[0-9a-f-]+\?fait=lance$/);
    pollId = new URL(page.url()).pathname.split('/').at(-1)!;
    await checked();
    expect(await page.getByRole('status').textContent()).toMatch(/Le sondage est lancé/);
    const poll = await running.db.prisma.poll.findUniqueOrThrow({
      where: { id: pollId },
      include: { options: { orderBy: { position: 'asc' } } },
    });
    expect(poll).toMatchObject({ title: TITLE, status: 'ouvert', organizerEmail: ORGANISER });
    expect(poll.participants).toHaveLength(16);
    expect(poll.participants).toContain(MEMBER);
    expect(poll.options.map((o) => o.label)).toEqual([
      expect.stringMatching(/^mardi .* de 14 h 00 à 17 h 00$/),
      expect.stringMatching(/^mardi .* de 14 h 00 à 17 h 00$/),
      expect.stringMatching(/^mardi .* de 14 h 00 à 16 h 00$/),
    ]);
  }, 180_000);

  it('a participant answers by her link; the organiser follows, closes, meets the tie and chooses', async () => {
    // The secretary's invitation, and the existing voting page it opens.
    const link = await running.linkFromMail(`Sondage de date : ${TITLE}`, SECRETARY, 'Répondre au sondage');
    const voter = await browser.newPage();
    await voter.setViewportSize({ width: 360, height: 800 });
    await voter.goto(link);
    const fieldsets = voter.locator('fieldset');
    expect(await fieldsets.count()).toBe(3);
    for (const [i, answer] of ['Oui', 'Non', 'Oui'].entries())
      await fieldsets.nth(i).getByRole('radio', { name: answer, exact: true }).check();
    await voter.getByRole('button', { name: 'Enregistrer mes réponses' }).click();
    expect(await voter.getByRole('status').textContent()).toMatch(/Vos réponses sont enregistrées/);
    await expectNoSeriousAxeViolations(voter);

    // The organiser follows: counts per date, each one's answer, who has not answered, the deadline.
    await page.goto(`${running.base}/sondages/${pollId}`);
    const text = await checked();
    expect(text).toMatch(/Réponses avant le/);
    const row = page.getByRole('row', { name: new RegExp(SECRETARY) });
    expect(await row.locator('td').allTextContents()).toEqual(['Oui', 'Non', 'Oui']);
    const awaiting = await page.locator('h2:has-text("Sans réponse") + ul li').allTextContents();
    expect(awaiting).toHaveLength(15);
    expect(awaiting).not.toContain(SECRETARY);
    expect(awaiting).toContain(ORGANISER);

    // A member without the right: no button, but why.
    const member = await signIn(MEMBER);
    await member.goto(`${running.base}/sondages`);
    expect(await member.getByRole('link', { name: 'Proposer des dates' }).count()).toBe(0);
    expect(await checked(member)).toMatch(/Les coopérateurs, les secrétaires et les présidents d’instance proposent/);
    await member.goto(`${running.base}/sondages/${pollId}`);
    expect(await member.getByRole('button', { name: 'Clore le sondage maintenant' }).count()).toBe(0);
    expect(await checked(member)).toMatch(/Le sondage se clôt à sa date limite.*peuvent clore le sondage/s);

    // Closed: the first and the third dates tie (one « oui » each, the same start).
    await page.getByRole('button', { name: 'Clore le sondage maintenant' }).click();
    await page.waitForURL(/\?fait=departage$/);
    await checked();
    expect(await page.getByRole('status').textContent()).toMatch(/des dates sont à égalité/);
    const tied = page.getByRole('group', { name: 'Dates à égalité' }).getByRole('radio');
    expect(await tied.count()).toBe(2);
    // Nothing chosen: refused beside the dates.
    await page.getByRole('button', { name: 'Retenir cette date' }).click();
    expect(await page.locator('#date-erreur').textContent()).toBe('Choisissez la date de la réunion.');
    await checked();
    await page.getByRole('radio', { name: /de 14 h 00 à 16 h 00$/ }).check();
    await page.getByRole('button', { name: 'Retenir cette date' }).click();
    await page.waitForURL(/\?fait=choisie$/);
    expect(await page.getByRole('status').textContent()).toMatch(/La date est retenue/);
    expect(await checked()).toMatch(/16 h 00 \(retenue\)/);

    // The meeting exists at that date, and its convocations leave.
    const poll = await running.db.prisma.poll.findUniqueOrThrow({
      where: { id: pollId },
      include: { options: { orderBy: { position: 'asc' } } },
    });
    expect(poll).toMatchObject({ status: 'clos', chosenOptionId: poll.options[2]!.id, chosenBy: ORGANISER });
    const meeting = await running.db.prisma.meeting.findUniqueOrThrow({ where: { id: poll.meetingId! } });
    meetingWorkflowId = meeting.workflowId ?? undefined;
    expect(meeting).toMatchObject({ title: TITLE, startsAt: poll.options[2]!.startsAt });
    await page.getByRole('link', { name: 'la réunion créée à la date retenue' }).click();
    await page.waitForURL(`${running.base}/reunions/${meeting.id}`);
    await eventually(
      async () =>
        (await running.stack.catcher.list()).some(
          (m) => m.subject.startsWith(`Convocation : ${TITLE}`) && m.to.includes(SECRETARY),
        ),
      'the convocation',
      150_000,
    );
  }, 300_000);
});
