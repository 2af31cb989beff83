import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { signedInPage, startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectUsablePage, useBrowser } from '../helpers/browser.js';
import { seedHeldMeeting } from '../helpers/held-meeting.js';
import { retentionWorkflowId } from '../../workflows/retention-definitions.js';

// The pages of issue 16's open decisions, boards and personal data, in headless Chromium at 360 px
// on the demo convention: the secretary publishes a held COPIL's relevé from its séance and anyone
// reads it on the public page; the CAF's agent sees what waits for them and the département's
// view; the admin sets a retention period (refused beside its field first). Each page passes axe.

const ADMIN = 'admin.rgpd@example.org';

describe('open decisions, boards and personal data pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;
  let held: Awaited<ReturnType<typeof seedHeldMeeting>>;
  let conventionId: string;

  beforeAll(async () => {
    running = await startBrowserApp('browser-open-decisions');
    const { prisma } = running.db;
    conventionId = (await prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    held = await seedHeldMeeting(prisma, conventionId, { startsAt: new Date(Date.now() - 2 * 86_400_000) });
    await prisma.person.create({ data: { email: ADMIN, displayName: 'Admin Données', admin: true } });
  });

  afterAll(async () => {
    await running?.terminate([retentionWorkflowId(conventionId)]);
    await running?.stop();
  });

  it('the secretary publishes the relevé from the séance; anyone reads it on the public page', async () => {
    const page = await signedInPage(running, browser, DEMO_PEOPLE.secretaire.email);
    await page.goto(`${running.base}/reunions/${held.meeting.id}/seance`);
    await page.getByRole('button', { name: 'Publier le relevé' }).click();
    await page.waitForURL(/fait=publie/);
    await expect(page.getByText('Le relevé de décisions est publié').count()).resolves.toBe(1);
    await expectUsablePage(page);

    const visitor = await browser.newPage();
    await visitor.setViewportSize({ width: 360, height: 800 });
    await visitor.goto(`${running.base}/public/${DEMO_CONVENTION_SLUG}/decisions`);
    await expect(visitor.getByRole('cell', { name: /FA-2026-90/ }).count()).resolves.toBe(1);
    await expect(visitor.getByRole('link', { name: 'flux Atom' }).count()).resolves.toBe(1);
    await expectUsablePage(visitor);
  });

  it('the CAF’s agent sees what waits for them, and the département’s view', async () => {
    const { prisma } = running.db;
    const caf = await prisma.person.findUniqueOrThrow({ where: { email: DEMO_PEOPLE.caf.email } });
    const startsAt = new Date(Date.now() + 9 * 86_400_000);
    await prisma.meeting.create({
      data: {
        conventionId,
        instanceId: held.copil.id,
        title: 'COPIL d’automne',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        status: 'convoquee',
        icalUid: `automne-${conventionId}@concerto.test`,
        invitations: { create: { personId: caf.id } },
      },
    });
    const page = await signedInPage(running, browser, DEMO_PEOPLE.caf.email);
    await page.goto(`${running.base}/`);
    await page.getByRole('link', { name: 'Tout ce qui m’attend' }).click();
    await page.waitForURL(`${running.base}/attentes`);
    await expect(
      page.getByRole('listitem').filter({ hasText: 'Répondre à l’invitation : COPIL d’automne' }).count(),
    ).resolves.toBe(1);
    await expectUsablePage(page);
    await page.getByRole('link', { name: 'Vue départementale de toutes les conventions' }).click();
    await page.waitForURL(`${running.base}/departement`);
    await expect(page.getByRole('table', { name: /Fiches par étape/ }).count()).resolves.toBe(1);
    await expectUsablePage(page);
  });

  it('the admin sets a retention period, refused beside its field first; a member gets their data', async () => {
    const page = await signedInPage(running, browser, ADMIN);
    await page.goto(`${running.base}/admin/donnees-personnelles`);
    await expectUsablePage(page);
    await page.getByLabel('Durée de conservation après la fin de la convention (jours)').fill('-3');
    await page.getByRole('button', { name: 'Enregistrer la durée' }).click();
    const days = page.getByLabel('Durée de conservation après la fin de la convention (jours)');
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    await expectUsablePage(page);
    await days.fill('730');
    await page.getByRole('button', { name: 'Enregistrer la durée' }).click();
    await page.waitForURL(/fait=conservation/);
    expect((await running.db.prisma.convention.findUniqueOrThrow({ where: { id: conventionId } })).retentionDays).toBe(
      730,
    );
    await expectUsablePage(page);

    const member = await signedInPage(running, browser, DEMO_PEOPLE.membre.email);
    await member.goto(`${running.base}/compte`);
    const download = await member.request.get(
      `${running.base}${await member.getByRole('link', { name: 'télécharger mes données' }).getAttribute('href')}`,
    );
    expect(((await download.json()) as { person: { email: string } }).person.email).toBe(DEMO_PEOPLE.membre.email);
  });
});
