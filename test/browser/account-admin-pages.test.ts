import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConventionSetup } from '../../domain/convention-setup.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { exportConventionSetup } from '../../store/conventions/export-convention-setup.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { signedInPage, startBrowserApp, type BrowserApp } from '../helpers/browser-app.js';
import { expectUsablePage, useBrowser } from '../helpers/browser.js';

// « Mon compte » and the admin's pages, through the pages only, in headless Chromium at 360 px on
// the demo convention: a token made on the page opens the API until it is revoked there (then 401);
// « Se déconnecter partout » ends another browser's session too; an import is previewed with its
// errors line by line and writes nothing until it is confirmed; the journal is filtered. Each state
// is checked with axe.

const COOPERATEUR = DEMO_PEOPLE.cooperateur.email;
const ADMIN = 'admin.compte@example.org';
const HEADER = 'email;nom;fonction;structure;instance;role;siege;represente';

describe('account and admin pages (headless Chromium, dev server)', () => {
  const browser = useBrowser();
  let running: BrowserApp;

  beforeAll(async () => {
    running = await startBrowserApp('browser-account-admin');
    await running.db.prisma.person.create({ data: { email: ADMIN, displayName: 'Admin Compte', admin: true } });
  });

  afterAll(async () => {
    await running?.stop();
  });

  const signedIn = (email: string) => signedInPage(running, browser, email);
  const checkPage = expectUsablePage;

  const api = (path: string, token: string) =>
    fetch(`${running.base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('a token made on « Mon compte » opens the API, shown once; revoked there, it gets a 401', async () => {
    const page = await signedIn(COOPERATEUR);
    await page.goto(`${running.base}/`);
    await page.getByRole('link', { name: 'Mon compte' }).click();
    await page.waitForURL(`${running.base}/compte`);
    await expect(page.getByText('Vous n’avez aucun jeton d’API.').count()).resolves.toBe(1);
    await checkPage(page);

    // A name of spaces only: refused beside its field, nothing made.
    await page.getByLabel('Nom du jeton').fill('   ');
    const refused = page.waitForResponse((r) => r.url().endsWith('/compte/jetons'));
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    expect((await refused).status()).toBe(400);
    const name = page.getByLabel('Nom du jeton');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await expect(
      page.locator(`#${await name.getAttribute('aria-describedby').then((d) => d!.split(' ').at(-1))}`).textContent(),
    ).resolves.toMatch(/nom au jeton/);
    await checkPage(page);
    expect(await running.db.prisma.apiToken.count()).toBe(0);

    await name.fill('Export du journal');
    await page.getByLabel('Durée de validité').selectOption('30');
    const made = page.waitForResponse((r) => r.url().endsWith('/compte/jetons'));
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    expect((await made).status()).toBe(201);
    const token = await page.getByLabel('Le jeton').inputValue();
    expect(token).toMatch(/^cct_/);
    await expect(page.getByRole('status').first().textContent()).resolves.toMatch(/il ne sera plus jamais affiché/);
    // The copy button shows once the script runs; it copies the secret.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.base });
    await page.getByRole('button', { name: 'Copier le jeton' }).click();
    await expect.poll(() => page.locator('#jeton-secret-copie').textContent()).toBe('Copié dans le presse-papiers.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await checkPage(page);
    const stored = await running.db.prisma.apiToken.findFirstOrThrow({ include: { person: true } });
    expect(stored.person.email).toBe(COOPERATEUR);
    const days = (stored.expiresAt!.getTime() - stored.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(30);

    // The token acts as its person on the API; the page then shows its last use, never the secret.
    const listed = await api('/api/tokens', token);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { tokens: Array<{ label: string }> }).tokens.map((t) => t.label)).toEqual([
      'Export du journal',
    ]);
    await page.goto(`${running.base}/compte`);
    expect(await page.locator('#jeton-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    const row = page.getByRole('row', { name: /Export du journal/ });
    await expect(row.textContent()).resolves.not.toMatch(/jamais utilisé/);

    await row.getByText('Révoquer…').click();
    await checkPage(page);
    await row.getByRole('button', { name: 'Confirmer la révocation de « Export du journal »' }).click();
    await page.waitForURL(`${running.base}/compte?fait=revoque`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/Le jeton est révoqué/);
    await checkPage(page);
    expect((await api('/api/tokens', token)).status).toBe(401);
  });

  it('« Se déconnecter partout » ends the other browsers’ sessions too, and says so', async () => {
    const here = await signedIn(COOPERATEUR);
    const elsewhere = await signedIn(COOPERATEUR);
    await elsewhere.goto(`${running.base}/compte`);
    expect(new URL(elsewhere.url()).pathname).toBe('/compte');

    await here.goto(`${running.base}/compte`);
    await here.getByRole('button', { name: 'Se déconnecter partout' }).click();
    await here.waitForURL(`${running.base}/connexion?fin=partout`);
    await expect(here.getByRole('status').textContent()).resolves.toMatch(/Toutes vos sessions sont fermées/);
    await checkPage(here);

    const person = await running.db.prisma.person.findUniqueOrThrow({ where: { email: COOPERATEUR } });
    expect(await running.db.prisma.session.count({ where: { personId: person.id } })).toBe(0);
    await elsewhere.goto(`${running.base}/compte`);
    expect(new URL(elsewhere.url()).pathname).toBe('/connexion');
  });

  it('members import: errors line by line and nothing written, then a preview confirmed writes', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${running.base}/admin/import`);
    await checkPage(page);
    const countMembers = () => running.db.prisma.membership.count();
    const before = await countMembers();

    await page
      .getByLabel('Membres (CSV)')
      .fill([HEADER, 'pas-une-adresse;Quelqu’un;;;gtt-1;membre;;', 'x@example.org;X;;;gtt-9;membre;;'].join('\n'));
    const previewed = page.waitForResponse((r) => r.url().endsWith('/admin/import/membres/apercu'));
    await page.getByRole('button', { name: 'Prévisualiser l’import des membres' }).click();
    expect((await previewed).status()).toBe(422);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/2 erreurs empêchent l’import/);
    const errors = page.getByRole('table', { name: 'Erreurs à corriger' });
    await expect(errors.getByRole('row').nth(1).textContent()).resolves.toMatch(
      /^2« email »« pas-une-adresse » n’est pas une adresse e-mail valide$/,
    );
    await expect(errors.getByRole('row').nth(2).textContent()).resolves.toMatch(/^3« instance »instance « gtt-9 »/);
    expect(await page.getByRole('button', { name: 'Confirmer l’import des membres' }).count()).toBe(0);
    await checkPage(page);
    expect(await countMembers()).toBe(before);

    // Corrected in the form the preview shows again.
    await page
      .getByLabel('Membres (CSV)')
      .fill(`${HEADER}\nnouvelle.benevole@example.org;Nouvelle bénévole (exemple);Bénévole;;gtt-1;membre;;\n`);
    await page.getByRole('button', { name: 'Prévisualiser l’import des membres' }).click();
    await page.waitForURL(`${running.base}/admin/import/membres/apercu`);
    const lines = page.getByRole('table', { name: 'Lignes du fichier' });
    await expect(lines.getByRole('row').nth(1).textContent()).resolves.toMatch(
      /^2Nouvelle bénévole \(exemple\)nouvelle\.benevole@example\.orggtt-1membre \(titulaire\)Création/,
    );
    await checkPage(page);
    expect(await countMembers()).toBe(before);

    await page.getByRole('button', { name: 'Confirmer l’import des membres' }).click();
    await page.waitForURL(/\/admin\/taches\/[\w-]+$/);
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toMatch(/Membres importés : 1 créés, 0 mis à jour, 0 inchangés\./);
    await checkPage(page);
    expect(await countMembers()).toBe(before + 1);
    expect(
      await running.db.prisma.auditEvent.count({ where: { action: 'convention.importMembers', actor: ADMIN } }),
    ).toBe(1);
  });

  it('setup import: a broken JSON shown where it breaks, then a change previewed, confirmed, written', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${running.base}/admin/import`);
    await page.getByLabel('Configuration (JSON)').fill('{\n  "format": "concerto.convention-setup",\n  oups\n}');
    await page.getByRole('button', { name: 'Prévisualiser l’import de la configuration' }).click();
    await page.waitForURL(`${running.base}/admin/import/apercu`);
    const errors = page.getByRole('table', { name: 'Erreurs à corriger' });
    await expect(errors.getByRole('row').nth(1).textContent()).resolves.toMatch(/^3colonne 3Le texte collé n’est pas/);
    await checkPage(page);

    const setup = (await exportConventionSetup(running.db.prisma, DEMO_CONVENTION_SLUG)) as ConventionSetup;
    // A field the checks refuse: on the line the pasted text has it.
    const wrongAddress = {
      ...setup,
      people: [{ ...setup.people[0]!, email: 'pas-une-adresse' }, ...setup.people.slice(1)],
    };
    const pasted = JSON.stringify(wrongAddress, null, 2);
    const line = pasted.split('\n').findIndex((l) => l.includes('"pas-une-adresse"')) + 1;
    await page.getByLabel('Configuration (JSON)').fill(pasted);
    await page.getByRole('button', { name: 'Prévisualiser l’import de la configuration' }).click();
    await page.waitForURL(`${running.base}/admin/import/apercu`);
    await expect(errors.getByRole('row').nth(1).textContent()).resolves.toMatch(
      new RegExp(`^${line}« people\\.0\\.email »« people\\.0\\.email » doit être une adresse e-mail valide`),
    );
    await checkPage(page);

    const edited = { ...setup, convention: { ...setup.convention, name: 'CTG révisée (exemple)' } };
    await page.getByLabel('Configuration (JSON)').fill(JSON.stringify(edited, null, 2));
    await page.getByRole('button', { name: 'Prévisualiser l’import de la configuration' }).click();
    await page.waitForURL(`${running.base}/admin/import/apercu`);
    const changes = page.getByRole('table', { name: 'Enregistrements créés ou modifiés' });
    await expect(changes.getByRole('row').count()).resolves.toBe(2);
    await expect(changes.getByRole('row').nth(1).textContent()).resolves.toBe(
      `convention${DEMO_CONVENTION_SLUG}Modification`,
    );
    await checkPage(page);
    const name = () => running.db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
    expect((await name()).name).toBe(setup.convention.name);

    await page.getByRole('button', { name: 'Confirmer l’import de la configuration' }).click();
    await page.waitForURL(/\/admin\/taches\/[\w-]+$/);
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 60_000 })
      .toMatch(/Configuration importée : 0 créés, 1 mis à jour/);
    expect((await name()).name).toBe('CTG révisée (exemple)');
  });

  it('running convention: an error shown on its line, then a file chosen, previewed, confirmed, imported', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${running.base}/admin/import`);
    const rows = async () => ({
      fiches: await running.db.prisma.ficheAction.count(),
      meetings: await running.db.prisma.meeting.count(),
      decisions: await running.db.prisma.decision.count(),
    });
    const before = await rows();
    const fiche = {
      code: 'FA-2022-07',
      authorEmail: COOPERATEUR,
      stage: 'attente_copil',
      partnerOpinions: { caf: 'favorable' },
      versions: [{ version: 1, title: 'Relais petite enfance itinérant (exemple)' }],
      decisions: [
        { body: 'cotech', version: 1, outcome: 'favorable', date: '2024-03-05T15:00', meeting: 'cotech-2024-03' },
      ],
    };
    const file = {
      format: 'concerto.running-convention',
      version: 1,
      meetings: [
        { key: 'cotech-2024-03', instance: 'cotech', title: 'COTECH du 5 mars 2024', startsAt: '2024-03-05T14:00' },
      ],
      fiches: [fiche],
    };
    // A broken JSON: the line where it breaks.
    await page
      .getByLabel('Convention en cours (JSON)')
      .fill('{\n  "format": "concerto.running-convention",\n  oups\n}');
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.waitForURL(`${running.base}/admin/import/en-cours/apercu`);
    await expect(
      page.getByRole('table', { name: 'Erreurs à corriger' }).getByRole('row').nth(1).textContent(),
    ).resolves.toMatch(/^3—Le texte collé n’est pas un JSON valide/);
    // A version in force on a fiche not validated (so its COTECH avis leaves it elsewhere): refused, each
    // problem on the line the pasted text has it.
    const wrong = JSON.stringify({ ...file, fiches: [{ ...fiche, versionInForce: 1 }] }, null, 2);
    const lineOf = (text: string) => wrong.split('\n').findIndex((l) => l.includes(text)) + 1;
    await page.getByLabel('Convention en cours (JSON)').fill(wrong);
    const refused = page.waitForResponse((r) => r.url().endsWith('/admin/import/en-cours/apercu'));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    expect((await refused).status()).toBe(422);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/2 erreurs empêchent l’import/);
    const errors = page.getByRole('table', { name: 'Erreurs à corriger' });
    await expect(errors.getByRole('row').nth(1).textContent()).resolves.toMatch(
      new RegExp(
        `^${lineOf('"versionInForce"')}« fiches\\.0\\.versionInForce »Une fiche en attente de la décision du COPIL`,
      ),
    );
    await expect(errors.getByRole('row').nth(2).textContent()).resolves.toMatch(
      new RegExp(`^${lineOf('"body": "cotech"') - 1}« fiches\\.0\\.decisions\\.0 »Cette décision \\(« favorable »`),
    );
    expect(await page.getByRole('button', { name: 'Confirmer l’import' }).count()).toBe(0);
    await checkPage(page);
    expect(await rows()).toEqual(before);

    // Corrected, the file is chosen rather than pasted: the page's script puts its text in the field.
    const field = page.getByLabel('Convention en cours (JSON)');
    await page.getByLabel('Fichier (JSON)').setInputFiles({
      name: 'en-cours.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file, null, 2)),
    });
    await expect.poll(() => field.inputValue()).toContain('"FA-2022-07"');
    const previewed = page.waitForResponse((r) => r.url().endsWith('/admin/import/en-cours/apercu'));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    expect((await previewed).status()).toBe(200);
    await expect(page.getByRole('status').first().textContent()).resolves.toBe(
      'Aperçu, rien n’est encore écrit : 1 fiche, 1 réunion tenue, 1 décision, 1 avis de partenaire (CAF, MSA).',
    );
    const stages = page.getByRole('table', { name: 'Fiches par stade' });
    await expect(stages.getByRole('row').nth(1).textContent()).resolves.toBe('En attente de la décision du COPIL1');
    const fiches = page.getByRole('table', { name: 'Fiches importées' });
    await expect(fiches.getByRole('row').nth(1).textContent()).resolves.toBe(
      'FA-2022-07Relais petite enfance itinérant (exemple)en attente de la décision du COPIL',
    );
    await checkPage(page);
    expect(await rows()).toEqual(before);

    await page.getByRole('button', { name: 'Confirmer l’import' }).click();
    await page.waitForURL(/\/admin\/taches\/[\w-]+$/);
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toMatch(/^Convention en cours importée : 1 fiche, 1 réunion tenue, 1 décision ; chaque fiche reprend/);
    await checkPage(page);
    expect(await rows()).toEqual({
      fiches: before.fiches + 1,
      meetings: before.meetings + 1,
      decisions: before.decisions + 1,
    });
    const imported = await running.db.prisma.ficheAction.findFirstOrThrow({ where: { code: 'FA-2022-07' } });
    try {
      await page.getByRole('link', { name: 'FA-2022-07 — Relais petite enfance itinérant (exemple)' }).click();
      await page.waitForURL(`${running.base}/fiches/${imported.id}`);
      await expect(page.locator('dt:text-is("Étape") + dd').textContent()).resolves.toBe(
        'en attente de la décision du COPIL',
      );
      await checkPage(page);
      await page.goBack();
      await expect(
        page.getByRole('link', { name: 'Le tableau de bord des fiches' }).getAttribute('href'),
      ).resolves.toBe(`/?convention=${DEMO_CONVENTION_SLUG}`);
    } finally {
      await running.terminate([imported.workflowId!]);
    }
  });

  it('the journal: filtered by person and kind through its form; a wrong date shown beside its field', async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${running.base}/admin/journal`);
    await checkPage(page);
    await page.getByLabel('Qui (adresse)').fill(COOPERATEUR);
    await page.getByLabel('Action').selectOption('token');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/\/admin\/journal\?/);
    const rows = page.getByRole('table').getByRole('row');
    const texts = (await rows.allTextContents()).slice(1);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('Jeton d’API révoqué');
    expect(texts[1]).toContain('Jeton d’API créé');
    for (const text of texts) expect(text).toContain(COOPERATEUR);
    await checkPage(page);

    const wrong = await page.goto(`${running.base}/admin/journal?since=2026-13-45`);
    expect(wrong?.status()).toBe(400);
    const since = page.getByLabel('Depuis le');
    expect(await since.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator('#audit-since-erreur').textContent()).resolves.toMatch(/« since » doit être une date/);
    await checkPage(page);
  });
});
