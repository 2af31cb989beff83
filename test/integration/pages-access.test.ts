import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { signIn, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS, uniqueTaskQueue } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';

// Who may open which page: anonymous browsers go to the sign-in page, people outside the
// convention and non-admins get a French refusal page, a form without its CSRF token does nothing.

const COOPERATEUR = 'directrice.education@example.org';
const STRANGER = 'inconnu@example.org';
const ADMIN = 'admin@example.org';

describe('access to the web pages', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  const as: Record<string, AuthHeaders> = {};

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    await db.prisma.person.createMany({
      data: [
        { email: STRANGER, displayName: 'Inconnu' },
        { email: ADMIN, displayName: 'Admin', admin: true },
      ],
    });
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: uniqueTaskQueue('pages-access'),
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
    });
    for (const email of [COOPERATEUR, STRANGER, ADMIN]) as[email] = await signIn(app, db.prisma, email);
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await env?.teardown();
  });

  const get = (url: string, who?: string) =>
    app.inject({ method: 'GET', url, headers: who ? { cookie: as[who]!.cookie! } : {} });

  it('sends a browser without a session to the sign-in page, which anyone may open', async () => {
    for (const url of ['/', '/calendrier', '/sondages', '/admin/processus', '/boite-d-envoi']) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(303);
      expect(page.headers.location).toBe('/connexion');
    }
    const signInPage = await get('/connexion');
    expect(signInPage.statusCode).toBe(200);
    expect(signInPage.body).toContain('<form method="post" action="/auth/sign-in">');
  });

  it('refuses the convention’s pages to a person with no seat in it, with a French page', async () => {
    const page = await get('/', STRANGER);
    expect(page.statusCode).toBe(403);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<h1>Demande refusée</h1>');
    expect(page.body).toContain('n’est membre d’aucune instance de cette convention');
    expect((await get('/', COOPERATEUR)).statusCode).toBe(200);
  });

  it('keeps the admin pages, the outbox and the processes’ API to admins', async () => {
    for (const url of [
      '/admin/processus',
      '/admin/journal',
      '/admin/demo',
      '/admin/import',
      '/boite-d-envoi',
      '/api/workflows',
      '/api/jobs/x',
    ]) {
      expect((await get(url, COOPERATEUR)).statusCode, url).toBe(403);
    }
    expect((await get('/admin/journal', ADMIN)).statusCode).toBe(200);
    expect((await get('/boite-d-envoi', ADMIN)).statusCode).toBe(200);
    expect((await get('/api/jobs/x', ADMIN)).statusCode).toBe(404);
    // The navigation shows the admin entries to admins only.
    expect((await get('/', COOPERATEUR)).body).not.toContain('href="/admin/processus"');
  });

  it('refuses a form posted with the session cookie but without its CSRF token, and creates nothing', async () => {
    const before = await db.prisma.ficheAction.count();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const forged = await app.inject({
      method: 'POST',
      url: '/fiches',
      headers: { ...form, cookie: as[COOPERATEUR]!.cookie! },
      payload: 'title=Forg%C3%A9e',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('CSRF');
    const anonymous = await app.inject({ method: 'POST', url: '/fiches', headers: form, payload: 'title=Anonyme' });
    expect(anonymous.statusCode).toBe(401);
    expect(await db.prisma.ficheAction.count()).toBe(before);
  });

  // Last: the conventions it adds change what `/` shows everyone after.
  it('shows at `/` the conventions someone takes part in, when several; their only one’s dashboard', async () => {
    const demo = await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
    const another = (slug: string, name: string) =>
      db.prisma.convention.create({
        data: {
          slug,
          name,
          territory: 'Ailleurs',
          startDate: new Date('2024-01-01'),
          endDate: new Date('2028-12-31'),
          status: 'en_cours',
          charter: demo.charter as object,
          instances: { create: { slug: 'cotech', kind: 'cotech', name: 'COTECH' } },
        },
        select: { instances: { select: { id: true } } },
      });
    const second = await another('ctg-deux', 'CTG deux');
    await another('ctg-trois', 'CTG trois');
    const cooperateur = await db.prisma.person.findUniqueOrThrow({ where: { email: COOPERATEUR } });
    await db.prisma.membership.create({
      data: { instanceId: second.instances[0]!.id, personId: cooperateur.id, role: 'membre' },
    });

    const choice = await get('/', COOPERATEUR);
    expect(choice.statusCode).toBe(200);
    expect(choice.body).toContain('<h1>Vos conventions</h1>');
    const links = [...choice.body.matchAll(/<a href="(\/\?convention=[^"]+)">/g)].map((m) => m[1]);
    expect(links).toEqual([`/?convention=${DEMO_CONVENTION_SLUG}`, '/?convention=ctg-deux']);
    for (const url of links) expect((await get(url!, COOPERATEUR)).body, url).toMatch(/<h1>Tableau de bord/);
    const calendar = await get('/calendrier', COOPERATEUR);
    expect(calendar.body).toContain('href="/calendrier?convention=ctg-deux"');

    // Someone seated in the demo only gets its dashboard, the other conventions notwithstanding.
    const secretary = 'assistante.education@example.org';
    as[secretary] = await signIn(app, db.prisma, secretary);
    const theirs = await get('/', secretary);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).toMatch(/<h1>Tableau de bord <span class="muted">/);
    // An admin chooses among all of them.
    expect([...(await get('/', ADMIN)).body.matchAll(/href="\/\?convention=/g)]).toHaveLength(3);
  });
});
