import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConventionCycle } from '../../client/start-convention-cycle.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import { conventionCycleStateQuery, conventionWorkflowId } from '../../workflows/convention-definitions.js';
import { signedInPage, startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectUsablePage, useBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/time-skipping.js';

// A coopérateur proposes a prolongation from the dashboard's « Signature de la convention »
// section, in headless Chromium at 360 px on the demo convention with its cycle running: an end
// date earlier than the current one is refused beside its field, in French; the corrected one is
// an avenant « projet » shown as waiting, with the steps still to record, instead of the forms; a
// second avenant sent from a page loaded before is refused, saying which one waits; the coordinators
// get a mail of the proposed prolongation. Each state passes axe.

const YEAR = new Date().getUTCFullYear();
const END = `${YEAR + 1}-12-31`;

describe('proposing an avenant from the dashboard (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let conventionId: string;

  beforeAll(async () => {
    running = await startBrowserApp('browser-avenant');
    const { prisma } = running.db;
    // The convention runs until the end of next year, whatever the year the test runs in.
    conventionId = (
      await prisma.convention.update({
        where: { slug: DEMO_CONVENTION_SLUG },
        data: { endDate: new Date(`${END}T00:00:00Z`) },
      })
    ).id;
    const deps = { client: running.env.client, store: createStore(prisma), taskQueue: running.stack.taskQueue };
    await startConventionCycle(deps, conventionId);
    const handle = running.env.client.workflow.getHandle(conventionWorkflowId(conventionId));
    await eventually(
      async () => (await handle.query(conventionCycleStateQuery)).endDate === END,
      'the cycle to be ready',
    );
  });

  afterAll(async () => {
    await running?.terminate([conventionWorkflowId(conventionId)]);
    await running?.stop();
  });

  it('proposes a prolongation (an earlier end refused first), shown as waiting; a second one is refused', async () => {
    const page = await signedInPage(running, browser, DEMO_PEOPLE.cooperateur.email);
    // Another page of the same coopérateur, loaded before the avenant exists.
    const stale = await signedInPage(running, browser, DEMO_PEOPLE.cooperateur.email);
    for (const p of [page, stale]) await p.goto(`${running.base}/`);
    expect(await page.getByRole('heading', { name: 'Proposer un avenant' }).count()).toBe(1);
    await expectUsablePage(page);

    await page.getByLabel('Nouvelle date de fin').fill(`${YEAR + 1}-06-30`);
    await page.getByLabel('Motif de la prolongation').fill('Le diagnostic territorial est reporté d’un an.');
    await page.getByRole('button', { name: 'Proposer la prolongation' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toBe('Proposer un avenant');
    expect(await page.getByRole('alert').textContent()).toBe(
      'L’avenant n’a pas été proposé : Nouvelle date de fin : La nouvelle date de fin (30 juin ' +
        `${YEAR + 1}) doit être postérieure à la fin actuelle, le 31 décembre ${YEAR + 1}.`,
    );
    const date = page.getByLabel('Nouvelle date de fin');
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Motif de la prolongation').inputValue()).toBe(
      'Le diagnostic territorial est reporté d’un an.',
    );
    await expectUsablePage(page);

    await date.fill(`${YEAR + 2}-12-31`);
    await page.getByRole('button', { name: 'Proposer la prolongation' }).click();
    await page.waitForURL(/fait=avenant/);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('L’avenant est proposé : il attend la validation par les instances des trois signataires');
    expect(main).toMatch(
      new RegExp(`Avenant n° 1 : prolongation de la convention jusqu’au \\S+ 31 décembre ${YEAR + 2}\\.`),
    );
    expect(main).toContain('Statut « projet »');
    expect(main).toContain('Motif : Le diagnostic territorial est reporté d’un an.');
    const toCome = page.getByRole('region', { name: 'Avenant en attente de signature' }).getByRole('listitem');
    expect(await toCome.allTextContents()).toEqual([
      'Validation par le conseil communautaire',
      'Validation par le conseil d’administration de la CAF',
      'Validation par le conseil d’administration de la MSA',
      'Signature administrative par la collectivité',
      'Signature administrative par la CAF',
      'Signature administrative par la MSA',
    ]);
    expect(await page.getByRole('heading', { name: 'Proposer un avenant' }).count()).toBe(0);
    // The end date moves once the three parties signed it.
    expect(main).toMatch(new RegExp(`La convention prend fin le \\S+ 31 décembre ${YEAR + 1}\\.`));
    await expectUsablePage(page);

    await stale.getByLabel('Objet de l’avenant').fill('Intégration de l’enjeu France Services');
    await stale.getByLabel('Motif de la modification').fill('Élargissement des champs de la CTG.');
    await stale.getByRole('button', { name: 'Proposer l’avenant' }).click();
    await stale.waitForLoadState('load');
    expect(await stale.getByRole('alert').textContent()).toBe(
      'L’avenant n’a pas été proposé : L’avenant n° 1 est en cours de validation et de signature : ' +
        'menez-le à son terme avant d’en proposer un autre.',
    );
    expect(await stale.getByLabel('Objet de l’avenant').inputValue()).toBe('Intégration de l’enjeu France Services');
    await expectUsablePage(stale);
    expect(await running.db.prisma.amendment.count({ where: { conventionId } })).toBe(1);

    // The coordinators (the COTECH's chargés de coopération, the coopérateur among them) are told of it by mail.
    await eventually(
      async () =>
        (await running.stack.catcher.list()).find(
          (m) =>
            m.subject.startsWith('Avenant n° 1 proposé : prolongation jusqu’au') &&
            m.to.includes(DEMO_PEOPLE.cooperateur.email),
        ),
      'the mail of the proposed avenant',
    );

    // A member of the COPIL sees the avenant waiting, and no form to propose one.
    const member = await signedInPage(running, browser, DEMO_PEOPLE.membre.email);
    await member.goto(`${running.base}/`);
    expect(await member.getByRole('heading', { name: 'Avenant en attente de signature' }).count()).toBe(1);
    expect(await member.getByRole('button', { name: /^Proposer/ }).count()).toBe(0);
  });
});
