import { readFile } from 'node:fs/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, DEMO_SETUP_PATH } from '../../store/conventions/load-demo.js';
import { tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';

/** Imports are the admins': every request here is an admin's (the access matrix is tested in access-matrix.test.ts). */
let admin: AuthHeaders;
const json = (body: unknown) => ({
  headers: { ...admin, 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

describe('conventions over HTTP: list, setup import/export, members CSV', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  let demo: {
    memberships: Array<{ person: string; instance: string; structure?: string; role: string; seat: string }>;
  } & Record<string, unknown>;

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase('postgres');
    await db.prisma.person.create({ data: { email: 'admin@example.org', displayName: 'Admin', admin: true } });
    admin = await tokenFor(db.prisma, 'admin@example.org');
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: 'unused',
      probes: { temporal: async () => {}, database: () => db.ping() },
    });
    demo = JSON.parse(await readFile(DEMO_SETUP_PATH, 'utf8')) as typeof demo;
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await env?.teardown();
  });

  const counts = async () => ({
    conventions: await db.prisma.convention.count(),
    people: await db.prisma.person.count(),
    memberships: await db.prisma.membership.count(),
  });

  it('imports a whole setup once, and the same file again changes nothing', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/conventions', headers: admin })).json()).toEqual({
      conventions: [],
    });

    const first = await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(demo) });
    expect(first.statusCode).toBe(200);
    expect(first.json<{ imported: { created: number } }>().imported.created).toBeGreaterThan(100);

    const again = await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(demo) });
    expect(again.json()).toMatchObject({ imported: { created: 0, updated: 0, removed: 0 } });

    const list = (await app.inject({ method: 'GET', url: '/api/conventions', headers: admin })).json<{
      conventions: Array<{ slug: string }>;
    }>();
    expect(list.conventions.map((c) => c.slug)).toEqual([DEMO_CONVENTION_SLUG]);
    // Each import is an admin's act in the audit log, with what it changed.
    const audited = await db.prisma.auditEvent.findMany({
      where: { action: 'convention.import' },
      orderBy: { createdAt: 'asc' },
    });
    expect(audited.map((l) => [l.actor, l.subject, (l.details as { created: number }).created > 100])).toEqual([
      ['admin@example.org', `convention:${DEMO_CONVENTION_SLUG}`, true],
      ['admin@example.org', `convention:${DEMO_CONVENTION_SLUG}`, false],
    ]);
  });

  it('exports the setup as a JSON file that imports back to the same thing', async () => {
    const exported = await app.inject({
      method: 'GET',
      url: `/api/conventions/${DEMO_CONVENTION_SLUG}/setup`,
      headers: admin,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toContain(`${DEMO_CONVENTION_SLUG}.json`);
    const setup = exported.json<{ format: string; enjeux: unknown[]; instances: unknown[] }>();
    expect(setup.format).toBe('concerto.convention-setup');
    expect(setup.enjeux).toHaveLength(3);
    const back = await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(setup) });
    expect(back.json()).toMatchObject({ imported: { created: 0, updated: 0, removed: 0 } });
  });

  it('refuses a setup that breaks the charter with 422, listing the rule broken, and writes nothing', async () => {
    const before = await counts();
    const crowded = structuredClone(demo);
    for (const n of [1, 2, 3]) {
      (crowded.people as Array<Record<string, unknown>>).push({
        email: `benevole${n}@example.org`,
        displayName: `Bénévole ${n}`,
      });
      crowded.memberships.push({
        person: `benevole${n}@example.org`,
        instance: 'copil',
        structure: 'aide-domicile-exemple',
        role: 'membre',
        seat: 'titulaire',
      });
    }
    const response = await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(crowded) });
    expect(response.statusCode).toBe(422);
    const body = response.json<{ error: { code: string; issues: Array<{ message: string }> } }>();
    expect(body.error.code).toBe('CHARTER_VIOLATION');
    expect(body.error.issues.some((i) => /aide à domicile/i.test(i.message))).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('refuses a malformed setup with 400 and every field in error', async () => {
    const before = await counts();
    const broken = structuredClone(demo);
    broken.memberships.push({ person: 'inconnu@example.org', instance: 'gtt-9', role: 'membre', seat: 'titulaire' });
    const response = await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(broken) });
    expect(response.statusCode).toBe(400);
    const fields = response.json<{ error: { issues: Array<{ field: string }> } }>().error.issues.map((i) => i.field);
    const index = broken.memberships.length - 1;
    expect(fields).toEqual(expect.arrayContaining([`memberships.${index}.person`, `memberships.${index}.instance`]));
    expect(await counts()).toEqual(before);
  });

  it('exports members as CSV and takes a corrected CSV back; a bad line is named and nothing is written', async () => {
    const csv = await app.inject({
      method: 'GET',
      url: `/api/conventions/${DEMO_CONVENTION_SLUG}/members.csv`,
      headers: admin,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('email;nom;fonction;structure;instance;role;siege;represente');
    expect(lines).toHaveLength(demo.memberships.length + 1);

    const same = await app.inject({
      method: 'POST',
      url: `/api/conventions/${DEMO_CONVENTION_SLUG}/members.csv`,
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv.body,
    });
    expect(same.json()).toMatchObject({ imported: { created: 0, updated: 0 } });
    expect(
      await db.prisma.auditEvent.count({
        where: { action: 'convention.importMembers', subject: `convention:${DEMO_CONVENTION_SLUG}` },
      }),
    ).toBeGreaterThan(0);

    const before = await counts();
    const bad =
      `${lines[0]}\nnouvelle@example.org;Nouvelle;;;gtt-1;membre` +
      `;titulaire;\npas-une-adresse;X;;;gtt-1;membre;titulaire;\n`;
    const refused = await app.inject({
      method: 'POST',
      url: `/api/conventions/${DEMO_CONVENTION_SLUG}/members.csv`,
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: bad,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { issues: Array<{ field: string }> } }>().error.issues.map((i) => i.field)).toEqual([
      'ligne 3',
    ]);
    expect(await counts()).toEqual(before);
  });

  it(
    'makes admins of the people its setup flags `admin: true`, exports ' +
      'the flag, and leaves it alone when the setup says nothing',
    async () => {
      const secretary = 'assistante.education@example.org';
      const setup = (
        await app.inject({ method: 'GET', url: `/api/conventions/${DEMO_CONVENTION_SLUG}/setup`, headers: admin })
      ).json<{ people: Array<{ email: string; admin?: boolean }> }>();
      expect(setup.people.some((p) => 'admin' in p)).toBe(false);
      const flagged = structuredClone(setup);
      flagged.people.find((p) => p.email === secretary)!.admin = true;
      expect(
        (await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(flagged) })).json(),
      ).toMatchObject({ imported: { updated: 1 } });
      expect((await db.prisma.person.findUniqueOrThrow({ where: { email: secretary } })).admin).toBe(true);
      const exported = (
        await app.inject({ method: 'GET', url: `/api/conventions/${DEMO_CONVENTION_SLUG}/setup`, headers: admin })
      ).json<{ people: Array<{ email: string; admin?: boolean }> }>();
      expect(exported.people.filter((p) => p.admin).map((p) => p.email)).toEqual([secretary]);

      // The setup without the flag changes nothing; `admin: false` takes it back.
      expect((await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(setup) })).json()).toMatchObject(
        {
          imported: { updated: 0 },
        },
      );
      expect((await db.prisma.person.findUniqueOrThrow({ where: { email: secretary } })).admin).toBe(true);
      flagged.people.find((p) => p.email === secretary)!.admin = false;
      await app.inject({ method: 'PUT', url: '/api/conventions/setup', ...json(flagged) });
      expect((await db.prisma.person.findUniqueOrThrow({ where: { email: secretary } })).admin).toBe(false);
    },
  );

  it('answers an unknown convention with 404 and a CSV sent as JSON with 415', async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/api/conventions/ailleurs/setup', headers: admin })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/api/conventions/ailleurs/members.csv', headers: admin })).statusCode,
    ).toBe(404);
    const asJson = await app.inject({
      method: 'POST',
      url: `/api/conventions/${DEMO_CONVENTION_SLUG}/members.csv`,
      ...json({ email: 'x' }),
    });
    expect(asJson.statusCode).toBe(415);
  });
});
