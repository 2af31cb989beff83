import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { signIn, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { testHttpApp } from '../helpers/http-app.js';
import { devServerEnv } from '../helpers/temporal.js';

// The audit log through the real HTTP app: the admins' API (what `concerto audit` reads) filtered
// by period (Paris days), actor and action, its CSV export, and the filtered page.

const ADMIN = 'admin.journal@example.org';
const MEMBER = 'membre.journal@example.org';
const HOSTILE = '=HYPERLINK("https://malveillant.example","x")';

describe('the audit log: API, CSV export, page', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  const as: Record<string, AuthHeaders> = {};

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    await db.prisma.person.createMany({
      data: [
        { email: ADMIN, displayName: 'Admin', admin: true },
        { email: MEMBER, displayName: 'Membre' },
      ],
    });
    const store = createStore(db.prisma);
    const line = (at: string, actor: string, action: string, subject: string, details?: object) =>
      store.audit.record({ at: new Date(at), actor, action, subject, ...(details ? { details } : {}) });
    // 30 November, late in the evening in Paris (23:30 CET is 22:30 UTC), then the first days of December.
    await line('2026-11-30T22:30:00Z', MEMBER, 'meeting.rsvp', 'meeting:m1', { partstat: 'ACCEPTED' });
    await line('2026-12-01T08:00:00Z', MEMBER, 'poll.vote', 'poll:p1');
    await line('2026-12-01T09:00:00Z', 'Membre.Journal@Example.org', 'fiche.create', 'fiche:f1', { title: '-1+1' });
    await line('2026-12-02T10:00:00Z', HOSTILE, 'signin.refused', '@SUM(A1)', { reason: 'UNKNOWN_PERSON' });
    app = testHttpApp(env, db, 'unused');
    as.admin = await tokenFor(db.prisma, ADMIN);
    as.member = await tokenFor(db.prisma, MEMBER);
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await env?.teardown();
  });

  const audit = async (query: string, who = as.admin!) => {
    const response = await app.inject({ method: 'GET', url: `/api/audit${query}`, headers: who });
    return { response, actions: response.json<{ events?: Array<{ action: string }> }>().events?.map((e) => e.action) };
  };

  it('filters by Paris days, actor whatever its case, and action or its kind, newest first', async () => {
    expect((await audit('?since=2026-12-01')).actions).toEqual(['signin.refused', 'fiche.create', 'poll.vote']);
    expect((await audit('?since=2026-11-30&until=2026-11-30')).actions).toEqual(['meeting.rsvp']);
    expect((await audit('?since=2026-12-01T09:30:00%2B01:00')).actions).toEqual(['signin.refused', 'fiche.create']);
    expect((await audit(`?actor=${encodeURIComponent(MEMBER.toUpperCase())}`)).actions).toEqual([
      'fiche.create',
      'poll.vote',
      'meeting.rsvp',
    ]);
    expect((await audit('?action=poll')).actions).toEqual(['poll.vote']);
    expect((await audit('?action=poll.vote&limit=1')).response.json()).toMatchObject({
      total: 1,
      events: [{ at: '2026-12-01T08:00:00.000Z', actor: MEMBER, label: 'Réponse au sondage', subject: 'poll:p1' }],
    });
  });

  it('refuses a day the calendar lacks in French, naming the field, and anyone but an admin', async () => {
    const wrong = await audit('?since=2026-02-30');
    expect(wrong.response.statusCode).toBe(400);
    expect(wrong.response.json()).toMatchObject({
      error: { field: 'since', message: expect.stringMatching(/^« since » doit être une date/) },
    });
    expect((await audit('?since=2026-12-01', as.member)).response.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/audit.csv' })).statusCode).toBe(401);
  });

  it('exports CSV with French headers, every cell that looks like a formula made text', async () => {
    const csv = await app.inject({ method: 'GET', url: '/api/audit.csv?since=2026-12-01', headers: as.admin });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="journal.csv"');
    expect(csv.headers['cache-control']).toBe('no-store');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFDate (UTC);Qui;Action;Libellé;Sur;Détails');
    expect(lines[1]).toBe(
      `2026-12-02T10:00:00.000Z;"'=HYPERLINK(""https://malveillant.example"",""x"")";signin.refused;` +
        `Connexion refusée;'@SUM(A1);"{""reason"":""UNKNOWN_PERSON""}"`,
    );
    expect(lines[2]).toContain(';Fiche créée;fiche:f1;');
    expect(lines.slice(1, -1)).toHaveLength(3);
    expect(lines.at(-1)).toBe('');
    for (const line of lines.slice(1, -1))
      for (const cell of line.split(';')) expect(cell, line).not.toMatch(/^["]?[=+\-@]/);
  });

  it('shows the admin page filtered by its form’s fields, with the export keeping the filter', async () => {
    const session = await signIn(app, db.prisma, ADMIN);
    const page = await app.inject({
      method: 'GET',
      url: '/admin/journal?since=2026-12-01&action=fiche',
      headers: { cookie: session.cookie! },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="get" action="/admin/journal"');
    expect(page.body).toContain('<input id="audit-since" name="since" type="date" value="2026-12-01">');
    expect(page.body).toContain('<option value="fiche" selected>Fiches : tout</option>');
    expect(page.body).toContain('href="/api/audit.csv?since=2026-12-01&amp;action=fiche"');
    const table = page.body.slice(page.body.indexOf('<tbody>'), page.body.indexOf('</tbody>'));
    expect(table).toContain('Fiche créée');
    expect(table).not.toContain('Réponse au sondage');
    const wrong = await app.inject({
      method: 'GET',
      url: '/admin/journal?until=31/12',
      headers: { cookie: session.cookie! },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toMatch(/« until » doit être une date/);
  });
});
