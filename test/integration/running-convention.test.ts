import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FicheState } from '../../domain/fiche-views.js';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { createStore } from '../../store/index.js';
import type { WorkflowTimeline } from '../../client/workflow-timeline.js';
import { jsonAs, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

// A CTG already running, imported through the API over the dev server and PGlite: its fiches start at
// their stage, and one of them goes on through the normal steps.
const FILE = JSON.parse(
  readFileSync(new URL('../fixtures/imports/running-convention.json', import.meta.url), 'utf8'),
) as { meetings: Array<Record<string, unknown>>; fiches: Array<Record<string, unknown>> };
const URL_RUNNING = `/api/conventions/${DEMO_CONVENTION_SLUG}/running`;
const ADMIN = 'admin@example.org';
const COOPERATOR = 'directrice.education@example.org';
const COTECH_SECRETARY = 'assistante.education@example.org';
/** How far ahead the COTECH that takes up the imported fiche starts: long enough for the fiche to join its agenda. */
const MEETING_LEAD_MS = 8_000;

describe('importing a running convention', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  const as = {} as Record<'admin' | 'cooperator' | 'secretary', AuthHeaders>;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    stack = await startTestWorker(env, db, 'running-import');
    await loadDemo(db.prisma);
    await db.prisma.person.create({ data: { email: ADMIN, displayName: 'Admin', admin: true } });
    await db.prisma.instance.updateMany({ where: { slug: 'cotech' }, data: { convocationDelayDays: 0 } });
    as.admin = await tokenFor(db.prisma, ADMIN);
    as.cooperator = await tokenFor(db.prisma, COOPERATOR);
    as.secretary = await tokenFor(db.prisma, COTECH_SECRETARY);
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: stack.taskQueue,
      catcher: stack.catcher,
      probes: { temporal: async () => undefined, database: () => db.ping() },
    });
  });

  afterAll(async () => {
    const fiches = (await db?.prisma.ficheAction.findMany({ select: { workflowId: true } })) ?? [];
    await Promise.all(
      fiches.map(({ workflowId }) =>
        env?.client.workflow
          .getHandle(workflowId!)
          .terminate('end of test')
          .catch(() => undefined),
      ),
    );
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  const stateOf = async (ficheId: string) => {
    const response = await app.inject({ method: 'GET', url: `/api/fiches/${ficheId}`, headers: as.cooperator });
    expect(response.statusCode).toBe(200);
    return response.json<FicheState>();
  };

  it('refuses a file with any problem, listing each with its path, and writes nothing', async () => {
    const bad = {
      ...FILE,
      fiches: [FILE.fiches[0], { ...FILE.fiches[1], code: 'FA-2023-01' }, { ...FILE.fiches[2], stage: 'soumise' }],
    };
    const response = await app.inject({ method: 'PUT', url: URL_RUNNING, ...jsonAs(as.admin, bad) });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<{ error: { code: string; issues: Array<{ field: string; message: string }> } }>();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((issue) => issue.field)).toEqual([
      'fiches.1.code',
      'fiches.2.versionInForce',
      'fiches.2.amendment',
    ]);
    // References to the setup are checked in the transaction: an unknown instance and an unknown person.
    const unknown = {
      ...FILE,
      meetings: [{ key: 'gtt-9', instance: 'gtt-9', title: 'GTT', startsAt: '2024-01-10T10:00', present: ['x@y.org'] }],
      fiches: [FILE.fiches[0]],
    };
    const refused = await app.inject({ method: 'PUT', url: URL_RUNNING, ...jsonAs(as.admin, unknown) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { issues: Array<{ field: string }> } }>().error.issues.map((i) => i.field)).toEqual([
      'meetings.0.instance',
      'meetings.0.present.0',
    ]);
    expect(await db.prisma.ficheAction.count()).toBe(0);
    expect(await db.prisma.meeting.count()).toBe(0);

    const notAdmin = await app.inject({ method: 'PUT', url: URL_RUNNING, ...jsonAs(as.cooperator, FILE) });
    expect(notAdmin.statusCode).toBe(403);
  });

  it('previews with ?dryRun=true: the same checks, what would be written counted, and nothing written', async () => {
    const rows = async () => ({
      fiches: await db.prisma.ficheAction.count(),
      versions: await db.prisma.ficheVersion.count(),
      meetings: await db.prisma.meeting.count(),
      invitations: await db.prisma.invitation.count(),
      decisions: await db.prisma.decision.count(),
      audit: await db.prisma.auditEvent.count(),
    });
    const before = await rows();
    const dryRun = `${URL_RUNNING}?dryRun=true`;
    const response = await app.inject({ method: 'PUT', url: dryRun, ...jsonAs(as.admin, FILE) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      preview: {
        meetings: 3,
        decisions: 4,
        opinions: 1,
        stages: [
          { stage: 'soumise', fiches: 1 },
          { stage: 'attente_copil', fiches: 1 },
          { stage: 'en_oeuvre', fiches: 1 },
        ],
        fiches: [
          { code: 'FA-2023-01', title: 'Ludothèque itinérante', stage: 'soumise' },
          { code: 'FA-2023-02', title: 'Lieu d’accueil enfants-parents', stage: 'attente_copil' },
          { code: 'FA-2023-03', title: 'Accueil de loisirs intercommunal', stage: 'en_oeuvre' },
        ],
      },
    });
    // A fiche without its reference: the preview says which one it would get.
    const uncoded = { ...FILE, fiches: [{ ...FILE.fiches[0], code: undefined }] };
    const numbered = await app.inject({ method: 'PUT', url: dryRun, ...jsonAs(as.admin, uncoded) });
    expect(numbered.json<{ preview: { fiches: Array<{ code: string }> } }>().preview.fiches[0]!.code).toMatch(
      /^FA-\d{4}-01$/,
    );
    // The references to the setup are checked as by the import.
    const unknown = { ...FILE, meetings: [{ ...FILE.meetings[0], instance: 'gtt-9' }, ...FILE.meetings.slice(1)] };
    const refused = await app.inject({ method: 'PUT', url: dryRun, ...jsonAs(as.admin, unknown) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { issues: Array<{ field: string }> } }>().error.issues.map((i) => i.field)).toEqual([
      'meetings.0.instance',
    ]);
    const wrongFlag = await app.inject({ method: 'PUT', url: `${URL_RUNNING}?dryRun=oui`, ...jsonAs(as.admin, FILE) });
    expect(wrongFlag.statusCode).toBe(400);
    expect(wrongFlag.json<{ error: { message: string } }>().error.message).toMatch(/dryRun/);
    expect(await rows()).toEqual(before);
    expect(before.fiches).toBe(0);
  });

  it('starts each fiche at its stage, then the imported soumise fiche goes on through the COTECH’s avis', async () => {
    const response = await app.inject({ method: 'PUT', url: URL_RUNNING, ...jsonAs(as.admin, FILE) });
    expect(response.statusCode, response.body).toBe(201);
    const { imported } = response.json<{
      imported: { meetings: number; decisions: number; fiches: Array<{ ficheId: string; code: string }> };
    }>();
    expect(imported).toMatchObject({ meetings: 3, decisions: 4 });
    expect(imported.fiches.map((f) => f.code)).toEqual(['FA-2023-01', 'FA-2023-02', 'FA-2023-03']);
    const [soumise, copil, enOeuvre] = imported.fiches.map((f) => f.ficheId) as [string, string, string];

    // The workflows run from the imported state: a query answers it.
    const stages = await eventually(async () => {
      const states = await Promise.all([soumise, copil, enOeuvre].map(stateOf));
      return states.every((s) => s.code) ? states : undefined;
    }, 'the imported workflows');
    expect(
      stages.map((s) => [s.code, s.lifecycle.stage, s.lifecycle.versionInForce, s.lifecycle.review?.stage]),
    ).toEqual([
      ['FA-2023-01', 'soumise', null, 'soumise'],
      ['FA-2023-02', 'attente_copil', null, 'attente_copil'],
      ['FA-2023-03', 'en_oeuvre', 1, 'soumise'],
    ]);
    expect(stages[1]!.pending).toMatchObject({ instanceKind: 'copil', missingPartnerOpinions: ['msa'] });

    // What the store holds: versions in their states, decisions on their meetings, the meetings held.
    const versions = await db.prisma.ficheVersion.findMany({
      where: { ficheId: enOeuvre },
      orderBy: { version: 'asc' },
      select: { version: true, state: true },
    });
    expect(versions).toEqual([
      { version: 1, state: 'en_vigueur' },
      { version: 2, state: 'proposee' },
    ]);
    const decisions = await db.prisma.decision.findMany({
      where: { ficheId: enOeuvre },
      orderBy: { decidedAt: 'asc' },
      select: { outcome: true, stage: true, actorEmail: true, meeting: { select: { title: true, status: true } } },
    });
    expect(decisions).toEqual([
      {
        outcome: 'favorable',
        stage: 'soumise',
        actorEmail: ADMIN,
        meeting: { title: 'COTECH du 5 mars 2024', status: 'tenue' },
      },
      {
        outcome: 'adoptee',
        stage: 'attente_copil',
        actorEmail: ADMIN,
        meeting: { title: 'COPIL du 14 mars 2024', status: 'tenue' },
      },
      {
        outcome: 'validee',
        stage: 'attente_bureau',
        actorEmail: ADMIN,
        meeting: { title: 'Bureau du 8 avril 2024', status: 'tenue' },
      },
    ]);
    const attendance = await db.prisma.invitation.findMany({
      where: { meeting: { title: 'COTECH du 5 mars 2024' } },
      select: { attendance: true, person: { select: { email: true } } },
      orderBy: { person: { email: 'asc' } },
    });
    expect(attendance.map((a) => [a.person.email, a.attendance])).toEqual([
      ['caf.conseiller-territorial@example.org', 'present'],
      [COOPERATOR, 'present'],
      ['msa.travailleur-social@example.org', 'excuse'],
    ]);
    expect(await db.prisma.auditEvent.count({ where: { action: 'fiche.import', actor: ADMIN } })).toBe(3);

    // A COTECH ahead: the imported soumise fiche joins its agenda, and its avis is recorded at it as for any fiche.
    const startsAt = new Date(Date.now() + MEETING_LEAD_MS);
    const meeting = await app.inject({
      method: 'POST',
      url: '/api/meetings',
      ...jsonAs(as.cooperator, {
        instance: 'cotech',
        title: 'COTECH de reprise',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Test : réunion imminente' },
      }),
    });
    expect(meeting.statusCode, meeting.body).toBe(201);
    await eventually(async () => (await stateOf(soumise)).agenda, 'the imported fiche on the COTECH’s agenda');
    await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 200);
    const avis = await app.inject({
      method: 'POST',
      url: `/api/fiches/${soumise}/actions/recordAvis`,
      ...jsonAs(as.secretary, { outcome: 'favorable', comment: 'Repris sans changement.' }),
    });
    expect(avis.statusCode, avis.body).toBe(200);
    const after = avis.json<FicheState>();
    expect(after.lifecycle.stage).toBe('attente_copil');
    expect(after.pending).toMatchObject({ instanceKind: 'copil', version: 1 });
    expect(await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: soumise }, select: { status: true } })).toEqual(
      {
        status: 'attente_copil',
      },
    );

    // The admin timeline says what was imported, by whom, when.
    const timeline = await app.inject({
      method: 'GET',
      url: `/api/workflows/fiche-${enOeuvre}/timeline`,
      headers: as.admin,
    });
    expect(timeline.statusCode).toBe(200);
    const first = timeline.json<WorkflowTimeline>().entries[0]!;
    expect(first).toMatchObject({
      kind: 'workflow',
      who: ADMIN,
      what:
        'Début : Cycle de vie d’une fiche action « Accueil de loisirs intercommunal » — importée en ' +
        'cours de route au stade « en œuvre » (version 1 en vigueur, version 2 à l’examen), 3 décisions reprises',
    });
    expect(Date.parse(first.at)).toBeGreaterThan(Date.now() - 120_000);
  });
});
