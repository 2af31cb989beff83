import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { FicheState, FicheSummary, FicheVersionView } from '../../domain/fiche-views.js';
import { jsonAs, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createStore } from '../../store/index.js';

// Demo people (prisma/seed/ctg-mellois-en-poitou-2023-2027.json): the roles come from their seats.
const COOPERATEUR = 'directrice.education@example.org';
const MEMBRE = 'direction.aide-domicile@example.org';

const FULL = {
  title: 'Ludothèque itinérante',
  enjeu: 'E2',
  objectifs: ['E2-OS1'],
  pilote: 'chef-service.enfance-jeunesse@example.org',
  partenaires: ['caf-deux-sevres', 'centre-socioculturel-exemple'],
  publicVise: 'Familles des communes rurales',
  secteur: 'Val de Boutonne',
  calendrier: '2025-2026',
  budget: [{ label: 'Animation', amount: 12000, financeur: 'CAF' }],
  indicateurs: [{ label: 'Familles accueillies', target: 200, unit: 'familles' }],
};

describe(
  'Fiche content: the draft written through its workflow, ' + 'its versions and the list (dev server, PGlite)',
  () => {
    let env: TestWorkflowEnvironment;
    let db: Database;
    let stack: TestWorker;
    let app: FastifyInstance;
    let ficheId: string;
    let cooperateur: AuthHeaders;
    let membre: AuthHeaders;

    const call = (options: InjectOptions) => app.inject(options);
    const patch = (auth: AuthHeaders, body: object) =>
      call({ method: 'PATCH', url: `/api/fiches/${ficheId}/content`, ...jsonAs(auth, body) });
    const versions = async () =>
      (await call({ method: 'GET', url: `/api/fiches/${ficheId}/versions`, headers: cooperateur })).json<{
        versions: FicheVersionView[];
      }>().versions;
    const edits = () =>
      db.prisma.auditEvent.count({ where: { subject: `fiche:${ficheId}`, action: 'fiche.editContent' } });

    beforeAll(async () => {
      [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
      await loadDemo(db.prisma);
      stack = await startTestWorker(env, db, 'fiche-content');
      app = buildHttpApp({
        client: env.client,
        store: createStore(db.prisma),
        taskQueue: stack.taskQueue,
        probes: { temporal: async () => undefined, database: () => db.ping() },
      });
      [cooperateur, membre] = await Promise.all([tokenFor(db.prisma, COOPERATEUR), tokenFor(db.prisma, MEMBRE)]);
      const created = await call({
        method: 'POST',
        url: '/api/fiches',
        ...jsonAs(cooperateur, { title: 'Brouillon' }),
      });
      expect(created.statusCode).toBe(201);
      ficheId = created.json<{ ficheId: string }>().ficheId;
      // The workflow records the fiche before it takes any update.
      for (let i = 0; i < 100 && !(await db.prisma.ficheAction.findUnique({ where: { id: ficheId } })); i++)
        await new Promise((r) => setTimeout(r, 100));
    });

    afterAll(async () => {
      await app?.close();
      await stack?.stop();
      await db?.close();
    });

    it('writes the whole draft for a coopérateur, and the workflow and the versions show it', async () => {
      const response = await patch(cooperateur, FULL);
      expect(response.statusCode, response.body).toBe(200);
      const state = response.json<FicheState>();
      expect(state.title).toBe(FULL.title);
      expect(state.piloteEmail).toBe(FULL.pilote);
      expect(state.edits?.[0]?.by).toBe(COOPERATEUR);
      expect(state.edits?.[0]?.changes.map((c) => c.field)).toEqual(Object.keys(FULL));

      const [v1] = await versions();
      expect(v1?.content).toEqual({ ...FULL, partenaires: [...FULL.partenaires].sort() });
      expect(await edits()).toBe(1);
    });

    it('refuses unknown references with every field at fault, and writes nothing', async () => {
      const response = await patch(cooperateur, {
        enjeu: 'E9',
        partenaires: ['caf-deux-sevres', 'nulle-part'],
        pilote: 'inconnu@example.org',
      });
      expect(response.statusCode).toBe(400);
      const { error } = response.json<{ error: { code: string; issues: Array<{ field: string }> } }>();
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.issues.map((i) => i.field)).toEqual(['enjeu', 'pilote', 'partenaires.1']);
      expect((await versions())[0]?.content.enjeu).toBe('E2');
      expect(await edits()).toBe(1);
    });

    it('refuses an unknown field, an empty edit and a negative amount, saying what to send', async () => {
      const unknown = await patch(cooperateur, { titre: 'x' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json<{ error: { message: string } }>().error.message).toContain('Champ inconnu : titre');
      expect((await patch(cooperateur, {})).statusCode).toBe(400);
      const negative = await patch(cooperateur, { budget: [{ label: 'x', amount: -5 }] });
      expect(negative.json<{ error: { issues: Array<{ field: string }> } }>().error.issues[0]?.field).toBe(
        'budget.0.amount',
      );
    });

    it('lets the author, the pilot and coopérateurs write, and no one else', async () => {
      const refused = await patch(membre, { secteur: 'Mellois' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ error: { code: string } }>().error.code).toBe('ROLE_NOT_ALLOWED');
      // Made pilot, the same person may write the draft.
      expect((await patch(cooperateur, { pilote: MEMBRE })).statusCode).toBe(200);
      const allowed = await patch(membre, { secteur: 'Mellois' });
      expect(allowed.statusCode, allowed.body).toBe(200);
      expect((await versions())[0]?.content.secteur).toBe('Mellois');
    });

    it('lists the convention’s fiches with their latest title and pilot, and checks the stage filter', async () => {
      const list = await call({
        method: 'GET',
        url: `/api/fiches?convention=${DEMO_CONVENTION_SLUG}`,
        headers: membre,
      });
      expect(list.statusCode).toBe(200);
      const mine = list.json<{ fiches: FicheSummary[] }>().fiches.find((f) => f.id === ficheId);
      expect(mine).toMatchObject({ title: FULL.title, status: 'brouillon', pilote: MEMBRE, authorEmail: COOPERATEUR });
      const wrong = await call({ method: 'GET', url: '/api/fiches?status=partout', headers: membre });
      expect(wrong.statusCode).toBe(400);
      const anonymous = await call({ method: 'GET', url: '/api/fiches' });
      expect(anonymous.statusCode).toBe(401);
    });

    it('freezes the content once the fiche is submitted', async () => {
      const submitted = await call({
        method: 'POST',
        url: `/api/fiches/${ficheId}/actions/submit`,
        ...jsonAs(cooperateur, {}),
      });
      expect(submitted.statusCode, submitted.body).toBe(200);
      const frozen = await patch(cooperateur, { calendrier: '2027' });
      expect(frozen.statusCode).toBe(409);
      expect(frozen.json<{ error: { message: string } }>().error.message).toContain('en cours d’examen');
      expect((await versions())[0]?.content.calendrier).toBe(FULL.calendrier);
    });
  },
);
