/**
 * The rétroplanning of the demo convention (store/conventions/retroplanning.ts, server/routes/retroplanning.ts):
 * its 2024 milestones from prisma/seed and a year of meetings, read from the database into the
 * picture, then served as SVG and PNG. The 2024 picture is pinned by a golden file; after a
 * deliberate change (or a change of the demo's 2024) write it again with
 *   UPDATE_GOLDEN=1 npx vitest run test/integration/retroplanning.test.ts
 * and look at it before committing it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriodKey, retroplanningSvg } from '../../documents/retroplanning/retroplanning-svg.js';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { loadRetroplanning } from '../../store/conventions/retroplanning.js';
import { openTestDatabase } from '../helpers/database.js';
import { decodePng } from '../helpers/png.js';
import { byClass, parseXml } from '../helpers/svg-dom.js';
import { createStore } from '../../store/index.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/svg/retroplanning-2024.svg', import.meta.url));
/** Wednesday 5 June 2024, midday in Paris: the today marker of the golden picture. */
const NOW = new Date('2024-06-05T10:00:00Z');
const BASE = `/conventions/${DEMO_CONVENTION_SLUG}/retroplanning`;
const PERIOD_2024 = parsePeriodKey('2024')!;

describe('rétroplanning of the demo convention', () => {
  let db: Database;
  let app: FastifyInstance;
  let conventionId: string;
  const instanceIds: Record<string, string> = {};

  const meeting = async (
    instance: string,
    title: string,
    startsAt: string,
    status: string,
    extra: Record<string, string> = {},
  ) => {
    const starts = new Date(startsAt);
    return db.prisma.meeting.create({
      data: {
        conventionId,
        instanceId: instanceIds[instance]!,
        title,
        startsAt: starts,
        endsAt: new Date(starts.getTime() + 3 * 3_600_000),
        status,
        icalUid: `${randomUUID()}@concerto`,
        ...extra,
      },
    });
  };

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    await loadDemo(db.prisma);
    const convention = await db.prisma.convention.findUniqueOrThrow({
      where: { slug: DEMO_CONVENTION_SLUG },
      include: { instances: true },
    });
    conventionId = convention.id;
    for (const instance of convention.instances) instanceIds[instance.slug] = instance.id;
    // The year of the slide, as meetings: the ones it names, and the bodies' ordinary sittings.
    await meeting('groupe-elaboration', 'Réunion partenariale de lancement', '2024-01-19T09:30:00+01:00', 'tenue', {
      location: 'Chef-Boutonne, salle Raymond Quiard',
      visioUrl: 'https://visio.example.org/secret-room-19-01',
    });
    await meeting(
      'groupe-elaboration',
      'Journée d’élaboration du plan d’actions',
      '2024-03-26T09:00:00+01:00',
      'tenue',
    );
    await meeting('bureau-communautaire', 'Bureau : plan d’actions', '2024-05-27T18:00:00+02:00', 'tenue');
    await meeting('cotech', 'COTECH', '2024-06-04T14:00:00+02:00', 'annulee');
    await meeting('cotech', 'COTECH (reporté)', '2024-06-11T14:00:00+02:00', 'tenue');
    await meeting('copil', '1er comité de pilotage CTG', '2024-06-25T14:00:00+02:00', 'convoquee');
    await meeting('gtt-1', 'GTT petite enfance', '2024-09-24T14:00:00+02:00', 'planifiee');
    await meeting('gtt-2', 'GTT enfance', '2024-09-26T14:00:00+02:00', 'planifiee');
    await meeting('gtt-3', 'GTT jeunesse', '2024-10-01T17:00:00+02:00', 'planifiee');
    await meeting('conseil-communautaire', 'Conseil communautaire', '2024-11-19T18:30:00+01:00', 'planifiee');
    app = buildHttpApp({
      client: {} as Client,
      store: createStore(db.prisma),
      taskQueue: 'unused',
      probes: { temporal: async () => {}, database: () => db.ping() },
      retroplanning: { now: () => NOW },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('reads the 2024 milestones of the seed and the meetings by instance, and draws the golden picture', async () => {
    const input = (await loadRetroplanning(db.prisma, DEMO_CONVENTION_SLUG, { period: PERIOD_2024, now: NOW }))!;
    expect(input).toMatchObject({
      from: PERIOD_2024.from,
      to: PERIOD_2024.to,
      title: 'Rétroplanning 2024',
      zone: 'A',
      today: { year: 2024, month: 6, day: 5 },
    });
    expect(input.lanes.map((lane) => lane.id)).toEqual([
      'conseil-communautaire',
      'bureau-communautaire',
      'copil',
      'cotech',
      'groupe-elaboration',
      'gtt-1',
      'gtt-2',
      'gtt-3',
    ]);
    // Every milestone of the seed that touches 2024, the 2023 signature left out.
    expect(input.milestones.map((milestone) => milestone.title)).toEqual([
      'Réunion partenariale : présentation de la CTG et constitution du groupe d’élaboration du plan d’actions',
      'Signature officielle de la Convention Territoriale Globale en présence des partenaires',
      'Évaluation du PEDT : demi-journée de lancement',
      'Journée d’élaboration du plan d’actions',
      'Passage du plan d’actions en bureau communautaire',
      'Écriture du plan d’actions',
      '1er comité de pilotage CTG',
      'Début des groupes de travail thématiques',
      'Conseil communautaire : présentation de la démarche et du plan d’actions',
    ]);
    expect(input.milestones.find((milestone) => milestone.title === '1er comité de pilotage CTG')).toEqual({
      date: { year: 2024, month: 6, day: 1 },
      endDate: { year: 2024, month: 7, day: 31 },
      title: '1er comité de pilotage CTG',
      owner: 'copil',
      status: 'a_venir',
    });
    expect(input.meetings).toHaveLength(10);
    expect(input.meetings[0]).toEqual({
      lane: 'groupe-elaboration',
      date: { year: 2024, month: 1, day: 19 },
      title: 'Réunion partenariale de lancement',
      status: 'tenue',
    });

    const svg = retroplanningSvg(input);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, svg);
    expect(svg).toBe(readFileSync(GOLDEN, 'utf8'));
    const root = parseXml(svg);
    expect(byClass(root, 'milestone')).toHaveLength(9);
    expect(byClass(root, 'meeting')).toHaveLength(10);
    expect(byClass(root, 'lane')).toHaveLength(8);
  });

  it('shows titles and days only: no place, visio link, member or address leaves the database', async () => {
    const svg = (await app.inject({ method: 'GET', url: `${BASE}/2024.svg` })).body;
    expect(svg).toContain('Réunion partenariale de lancement');
    for (const secret of ['visio', 'secret-room', 'Raymond Quiard', '@example.org']) expect(svg).not.toContain(secret);
  });

  it('takes a meeting into the year of its day in Paris, not in UTC', async () => {
    // 31 December 2024 at 23:30 in Paris is 22:30Z; 1 January 2025 at 00:30 is still 2024 in UTC.
    const late = await meeting('cotech', 'Fin d’année', '2024-12-31T23:30:00+01:00', 'planifiee');
    const early = await meeting('cotech', 'Début d’année', '2025-01-01T00:30:00+01:00', 'planifiee');
    try {
      const titles = async (key: string) =>
        (await loadRetroplanning(db.prisma, DEMO_CONVENTION_SLUG, { period: parsePeriodKey(key)! }))!.meetings.map(
          (m) => m.title,
        );
      expect(await titles('2024')).toContain('Fin d’année');
      expect(await titles('2024')).not.toContain('Début d’année');
      expect(await titles('2025')).toEqual(['Début d’année']);
      expect(await titles('2024-2025')).toEqual([
        'GTT petite enfance',
        'GTT enfance',
        'GTT jeunesse',
        'Conseil communautaire',
        'Fin d’année',
        'Début d’année',
      ]);
    } finally {
      await db.prisma.meeting.deleteMany({ where: { id: { in: [late.id, early.id] } } });
    }
    expect(await loadRetroplanning(db.prisma, 'nope', { period: PERIOD_2024 })).toBeNull();
  });

  it('serves the SVG with its type, a strong ETag, and a 304 when it has not changed', async () => {
    const first = await app.inject({ method: 'GET', url: `${BASE}/2024.svg` });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(first.headers['content-disposition']).toBe(
      `inline; filename="retroplanning-${DEMO_CONVENTION_SLUG}-2024.svg"`,
    );
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['content-security-policy']).toContain("default-src 'none'");
    expect(first.body).toBe(readFileSync(GOLDEN, 'utf8'));
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

    const again = await app.inject({
      method: 'GET',
      url: `${BASE}/2024.svg`,
      headers: { 'if-none-match': `W/${etag}` },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    const download = await app.inject({ method: 'GET', url: `${BASE}/2024.svg?download=1` });
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="retroplanning-${DEMO_CONVENTION_SLUG}-2024.svg"`,
    );

    // A meeting called off changes the picture, so its validator.
    const cotech = await db.prisma.meeting.findFirstOrThrow({ where: { title: 'COTECH (reporté)' } });
    await db.prisma.meeting.update({ where: { id: cotech.id }, data: { status: 'annulee' } });
    try {
      const changed = await app.inject({ method: 'GET', url: `${BASE}/2024.svg`, headers: { 'if-none-match': etag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
    } finally {
      await db.prisma.meeting.update({ where: { id: cotech.id }, data: { status: 'tenue' } });
    }
  });

  it('serves the PNG, 2400 pixels wide, with its own ETag and a 304 without drawing again', async () => {
    const png = await app.inject({ method: 'GET', url: `${BASE}/2024.png?download=1` });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toBe(
      `attachment; filename="retroplanning-${DEMO_CONVENTION_SLUG}-2024.png"`,
    );
    const image = decodePng(png.rawPayload);
    expect(image.width).toBe(2400);
    const svg = parseXml(readFileSync(GOLDEN, 'utf8'));
    expect(image.height).toBe(2 * Number(svg.attrs.height));

    const etag = png.headers.etag as string;
    const svgEtag = (await app.inject({ method: 'GET', url: `${BASE}/2024.svg` })).headers.etag;
    expect(etag).not.toBe(svgEtag);
    const again = await app.inject({ method: 'GET', url: `${BASE}/2024.png`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('serves a school year, and refuses an unknown convention or period with a French message', async () => {
    const school = await app.inject({ method: 'GET', url: `${BASE}/2024-2025.svg` });
    expect(school.statusCode).toBe(200);
    expect(school.body).toContain('Rétroplanning 2024-2025');
    expect(byClass(parseXml(school.body), 'month')[0]!.attrs['data-month']).toBe('2024-09');

    const unknown = await app.inject({ method: 'GET', url: '/conventions/nope/retroplanning/2024.svg' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Aucune convention « nope ».' } });
    for (const path of ['24.svg', '2024-2026.png', 'toutes.svg']) {
      const bad = await app.inject({ method: 'GET', url: `${BASE}/${path}` });
      expect(bad.statusCode).toBe(404);
      expect(bad.json<{ error: { message: string } }>().error.message).toContain(
        'année civile (2024) ou une année scolaire (2024-2025)',
      );
    }
    expect((await app.inject({ method: 'GET', url: `${BASE}/2024.gif` })).statusCode).toBe(404);
  });
});
