import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse as parseCsv } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCDL_COLUMNS } from '../../documents/csv/deliberations-csv.js';
import { buildHttpApp } from '../../server/app.js';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { signIn, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { seedHeldMeeting } from '../helpers/held-meeting.js';
import { devServerEnv, TEST_LINKS, uniqueTaskQueue } from '../helpers/temporal.js';

// The relevé published by the COPIL's secretary reaches the convention's public page, its SCDL
// CSV and JSON and its Atom feed, read without signing in, and none of them names a member.

const PUBLIC = `/public/${DEMO_CONVENTION_SLUG}/decisions`;

describe('the relevé de décisions in the open', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  let held: Awaited<ReturnType<typeof seedHeldMeeting>>;
  let secretary: AuthHeaders;
  let people: Array<{ displayName: string; email: string }>;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    const convention = await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
    held = await seedHeldMeeting(db.prisma, convention.id);
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: uniqueTaskQueue('open-decisions'),
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
    });
    secretary = await signIn(app, db.prisma, DEMO_PEOPLE.secretaire.email);
    people = await db.prisma.person.findMany({ select: { displayName: true, email: true } });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await env?.teardown();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });
  const publish = (auth: AuthHeaders) =>
    app.inject({
      method: 'POST',
      url: `/reunions/${held.meeting.id}/releve/publier`,
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
  /** No member's name or address in a published text. */
  const expectNobodyNamed = (text: string) => {
    for (const person of people) {
      expect(text, person.email).not.toContain(person.email);
      expect(text, person.displayName).not.toContain(person.displayName);
    }
  };

  it('lists nothing until the secretary publishes, from the séance page, once and audited', async () => {
    expect((await get(PUBLIC)).body).toContain('Aucun relevé de décisions n’a encore été publié.');
    const seance = await app.inject({
      method: 'GET',
      url: `/reunions/${held.meeting.id}/seance`,
      headers: { cookie: secretary.cookie! },
    });
    expect(seance.body).toContain(`action="/reunions/${held.meeting.id}/releve/publier"`);
    expect(seance.body).toContain('Publier le relevé');

    const member = await signIn(app, db.prisma, DEMO_PEOPLE.membre.email);
    expect((await publish(member)).statusCode).toBe(403);
    const done = await publish(secretary);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/reunions/${held.meeting.id}/seance?fait=publie`);
    expect((await publish(secretary)).statusCode).toBe(303);
    const audit = await db.prisma.auditEvent.findMany({
      where: { action: 'meeting.publishDecisions', subject: `meeting:${held.meeting.id}` },
    });
    expect(audit.map((a) => a.actor)).toEqual([DEMO_PEOPLE.secretaire.email]);
  });

  it('shows each decision on the public page without sign-in, naming bodies only', async () => {
    const page = await get(PUBLIC);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Fiche FA-2026-90 — Accueil des familles au guichet unique');
    expect(page.body).toContain('adoptée');
    expect(page.body).toContain('Les GTT se réunissent en mai.');
    expect(page.body).toContain(held.copil.name);
    expect(page.body).toContain(`${held.present} sur ${held.members.length}`);
    expectNobodyNamed(page.body);
    expect((await get('/public/pas-une-convention/decisions')).statusCode).toBe(404);
  });

  it('serves the same decisions as SCDL CSV and JSON', async () => {
    const csv = await get(`${PUBLIC}.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(csv.body, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([...SCDL_COLUMNS]);
    expect(rows).toHaveLength(2);
    const fiche = rows.find((r) => r.DELIB_OBJET!.includes('FA-2026-90'))!;
    expect(fiche).toMatchObject({
      COLL_SIRET: '',
      DELIB_DATE: '2026-03-12',
      VOTE_EFFECTIF: String(held.members.length),
      VOTE_REEL: String(held.present),
      VOTE_POUR: '',
    });
    expect(fiche.DELIB_OBJET).toContain('adoptée');
    expect(fiche.DELIB_URL).toMatch(new RegExp(`${PUBLIC}#2026-03-12-${held.copil.slug}-1$`));
    expectNobodyNamed(csv.body);

    const json = await get(`${PUBLIC}.json`);
    expect(json.statusCode).toBe(200);
    const records = json.json<Array<Record<string, unknown>>>();
    expect(records.map((r) => r.DELIB_ID)).toEqual(rows.map((r) => r.DELIB_ID));
    expect(records[0]!.VOTE_REEL).toBe(held.present);
    expectNobodyNamed(json.body);
  });

  it('serves an Atom feed an XML parser reads, one entry per decision', async () => {
    const atom = await get(`${PUBLIC}.atom`);
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(atom.body, true) as {
      feed: { xmlns: string; title: string; entry: Array<{ title: string; id: string; updated: string }> };
    };
    expect(parsed.feed.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(parsed.feed.entry).toHaveLength(2);
    expect(parsed.feed.entry.map((e) => e.title).join('\n')).toContain('FA-2026-90');
    for (const entry of parsed.feed.entry) expect(Number.isNaN(Date.parse(entry.updated))).toBe(false);
    expectNobodyNamed(atom.body);
  });
});
