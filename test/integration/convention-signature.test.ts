import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { jsonAs, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { testHttpApp } from '../helpers/http-app.js';
import { devServerEnv } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

// The signature path of the convention and of its avenants over the HTTP API and the dashboard's
// forms: PGlite with the demo, a Temporal dev server and a worker for the convention's cycle.

const CONVENTION = `/api/conventions/${DEMO_CONVENTION_SLUG}`;
// The convention runs until the end of next year, whatever the year the test runs in.
const YEAR = new Date().getUTCFullYear();
const END = `${YEAR + 1}-12-31`;
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
type Described = {
  status: string;
  endDate: string;
  paths: Array<{
    version: number;
    stage: string;
    awaited: Array<{ step: string; party: string | null }>;
    steps: Array<{ step: string; party: string | null; date: string; reference: string | null }>;
  }>;
};

describe('the signature path of the convention and its avenants (HTTP, pages, PGlite, dev server)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let worker: TestWorker;
  let app: FastifyInstance;
  let conventionId: string;
  const auth = {} as Record<'cooperateur' | 'caf' | 'msa' | 'membre', AuthHeaders>;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    worker = await startTestWorker(env, db, 'convention-signature');
    app = testHttpApp(env, db, worker.taskQueue);
    // The demo convention is signed; here it is still a project, its path to walk.
    conventionId = (
      await db.prisma.convention.update({
        where: { slug: DEMO_CONVENTION_SLUG },
        data: { status: 'projet', endDate: new Date(`${END}T00:00:00Z`) },
      })
    ).id;
    for (const who of ['cooperateur', 'caf', 'msa', 'membre'] as const)
      auth[who] = await tokenFor(db.prisma, DEMO_PEOPLE[who].email);
  });

  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await db?.close();
    await env?.teardown();
  });

  const signature = async () =>
    (await app.inject({ method: 'GET', url: `${CONVENTION}/signature`, headers: auth.membre })).json<Described>();
  const step = (who: keyof typeof auth, version: number, body: Record<string, string>) =>
    app.inject({ method: 'POST', url: `${CONVENTION}/signature/${version}/steps`, ...jsonAs(auth[who], body) });
  const errorOf = (response: { json: <T>() => T }) => response.json<{ error: { message: string } }>().error.message;
  const meeting = async (title: string, startsAt: Date, status: string) => {
    const copil = await db.prisma.instance.findFirstOrThrow({ where: { conventionId, kind: 'copil' } });
    return (
      await db.prisma.meeting.create({
        data: {
          conventionId,
          instanceId: copil.id,
          title,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
          status,
          icalUid: `${randomUUID()}@concerto`,
        },
      })
    ).id;
  };
  /** Both bodies' and parties' steps of an avenant, as the coopérateur records them. */
  const walk = async (version: number, day: string) => {
    const answers = [];
    for (const party of ['collectivite', 'caf', 'msa'])
      answers.push(
        await step('cooperateur', version, { step: 'validation', party, date: day, reference: `D-${party}` }),
      );
    for (const party of ['collectivite', 'caf', 'msa'])
      answers.push(await step('cooperateur', version, { step: 'signature', party, date: day }));
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(201);
    return answers.at(-1)!.json<{ stage: string; signedAmendment: { kind: string; number: number } | null }>();
  };

  it(
    'validates by the three bodies, signs by the three parties, then officially in a held meeting; ' +
      'refuses each step out of order or by whom it is not, in French',
    { timeout: 60_000 },
    async () => {
      expect((await signature()).paths).toEqual([
        {
          version: 0,
          stage: 'validations',
          steps: [],
          awaited: [
            { step: 'validation', party: 'collectivite' },
            { step: 'validation', party: 'caf' },
            { step: 'validation', party: 'msa' },
          ],
          signedBeforeConcerto: false,
          amendment: null,
        },
      ]);
      const early = await step('cooperateur', 0, { step: 'signature', party: 'caf', date: '2023-12-18' });
      expect(early.statusCode).toBe(409);
      expect(errorOf(early)).toBe(
        'La signature administrative par la CAF de la convention attend la validation par les instances des ' +
          'trois signataires : manque celle par le conseil communautaire, le conseil d’administration de la CAF ' +
          'et le conseil d’administration de la MSA.',
      );

      // The CAF records its own board's délibération, not the MSA's; a member of the COPIL neither.
      const caf = await step('caf', 0, {
        step: 'validation',
        party: 'caf',
        date: '2023-10-20',
        reference: 'CA-2023-10',
      });
      expect(caf.statusCode, caf.body).toBe(201);
      expect(caf.json()).toMatchObject({ stage: 'validations', signedAmendment: null });
      expect(
        (await step('caf', 0, { step: 'validation', party: 'msa', date: '2023-10-20', reference: 'x' })).statusCode,
      ).toBe(403);
      const byMember = await step('membre', 0, {
        step: 'validation',
        party: 'collectivite',
        date: '2023-10-19',
        reference: 'x',
      });
      expect(byMember.statusCode).toBe(403);
      expect(errorOf(byMember)).toMatch(/^Seul un coopérateur, une personne de la collectivité ou un administrateur/);
      const twice = await step('cooperateur', 0, {
        step: 'validation',
        party: 'caf',
        date: '2023-10-21',
        reference: 'CA-bis',
      });
      expect(twice.statusCode).toBe(409);
      expect(errorOf(twice)).toMatch(/déjà enregistrée \(le 20 octobre 2023, délibération CA-2023-10\)/);

      // The collectivité's conseil communautaire from the dashboard's form, the MSA's board by the MSA.
      const form = await app.inject({
        method: 'POST',
        url: `/conventions/${DEMO_CONVENTION_SLUG}/signature/0`,
        headers: { ...auth.cooperateur, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          step: 'validation',
          party: 'collectivite',
          date: '2023-10-19',
          reference: 'D-2023-145',
        }).toString(),
      });
      expect(form.statusCode, form.body).toBe(303);
      expect(form.headers.location).toBe(`/?convention=${DEMO_CONVENTION_SLUG}&fait=signature#signature`);
      const msa = await step('msa', 0, { step: 'validation', party: 'msa', date: '2023-11-07', reference: 'MSA-31' });
      expect(msa.json()).toMatchObject({ stage: 'signatures' });

      // The three parties sign; a signature dated before the last validation is refused.
      const before = await step('cooperateur', 0, { step: 'signature', party: 'caf', date: '2023-11-01' });
      expect(errorOf(before)).toMatch(/ne peut précéder la dernière validation, le 7 novembre 2023/);
      for (const party of ['collectivite', 'caf', 'msa'])
        expect((await step('cooperateur', 0, { step: 'signature', party, date: '2023-12-18' })).statusCode).toBe(201);
      const signatories = await db.prisma.signatory.findMany({
        where: { conventionId },
        include: { structure: true },
      });
      expect(signatories.map((s) => s.signedAt?.toISOString().slice(0, 10))).toEqual([
        '2023-12-18',
        '2023-12-18',
        '2023-12-18',
      ]);

      // The official signing is a meeting of the convention: one to come, one held.
      const coming = await meeting('Signature officielle', new Date(Date.now() + 20 * 86_400_000), 'convoquee');
      const held = await meeting('Signature officielle avec la presse', new Date('2024-05-09T08:00:00Z'), 'tenue');

      // The dashboard shows each step, and the official signing's form (the meetings held) to the coopérateur only.
      const page = await app.inject({ method: 'GET', url: '/?fait=signature', headers: auth.cooperateur });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('L’étape de signature est enregistrée.');
      expect(page.body).toContain('Signature de la convention');
      expect(page.body).toContain('D-2023-145');
      expect(page.body).toContain('Attendu : signature officielle avec les partenaires et la presse.');
      expect(page.body).toContain(`action="/conventions/${DEMO_CONVENTION_SLUG}/signature/0"`);
      expect(page.body).toContain(`<option value="${held}">jeudi 9 mai 2024`);
      expect(page.body).not.toContain(`<option value="${coming}">`);
      const memberPage = await app.inject({ method: 'GET', url: '/', headers: auth.membre });
      expect(memberPage.body).toContain('Attendu : signature officielle');
      expect(memberPage.body).not.toContain(`action="/conventions/${DEMO_CONVENTION_SLUG}/signature/0"`);

      // Recorded once its meeting is held.
      const tooSoon = await step('cooperateur', 0, { step: 'officielle', meetingId: coming });
      expect(tooSoon.statusCode).toBe(409);
      expect(errorOf(tooSoon)).toMatch(/une fois la réunion tenue/);
      const official = await step('cooperateur', 0, { step: 'officielle', meetingId: held });
      expect(official.statusCode, official.body).toBe(201);
      expect(official.json()).toMatchObject({ stage: 'signee' });
      const signed = await signature();
      expect(signed.status).toBe('signee');
      expect(signed.paths[0]!.steps.map((s) => [s.step, s.party, s.date, s.reference])).toEqual([
        ['validation', 'collectivite', '2023-10-19', 'D-2023-145'],
        ['validation', 'caf', '2023-10-20', 'CA-2023-10'],
        ['validation', 'msa', '2023-11-07', 'MSA-31'],
        ['signature', 'collectivite', '2023-12-18', null],
        ['signature', 'caf', '2023-12-18', null],
        ['signature', 'msa', '2023-12-18', null],
        ['officielle', null, '2024-05-09', null],
      ]);
      expect(await db.prisma.auditEvent.count({ where: { action: 'convention.signatureStep' } })).toBe(7);
    },
  );

  it(
    'takes an avenant through the same path, one at a time; a signed prolongation moves the end date of the cycle',
    { timeout: 120_000 },
    async () => {
      const propose = (who: keyof typeof auth, body: unknown) =>
        app.inject({ method: 'POST', url: `${CONVENTION}/amendments/other`, ...jsonAs(auth[who], body) });
      const other = { title: 'Intégration de l’enjeu France Services', motif: 'Élargissement des champs de la CTG.' };
      expect((await propose('membre', other)).statusCode).toBe(403);
      const first = await propose('cooperateur', other);
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({ number: 1, title: 'Avenant n° 1 : Intégration de l’enjeu France Services' });
      const second = await propose('cooperateur', other);
      expect(second.statusCode).toBe(409);
      expect(errorOf(second)).toMatch(/^L’avenant n° 1 est en cours de validation et de signature/);
      expect(errorOf(await step('cooperateur', 1, { step: 'signature', party: 'caf', date: YESTERDAY }))).toMatch(
        /^La signature administrative par la CAF de l’avenant n° 1 attend la validation/,
      );
      expect(await walk(1, YESTERDAY)).toMatchObject({ stage: 'signee', signedAmendment: { kind: 'autre' } });
      expect(errorOf(await step('cooperateur', 1, { step: 'officielle', meetingId: 'x' }))).toMatch(
        /^Un avenant n’a pas de signature officielle/,
      );
      expect((await signature()).paths.map((p) => [p.version, p.stage])).toEqual([
        [0, 'signee'],
        [1, 'signee'],
      ]);

      // A prolongation is proposed to the running cycle; the end date stays until it is signed.
      expect(
        (await app.inject({ method: 'POST', url: `${CONVENTION}/cycle`, headers: auth.cooperateur })).statusCode,
      ).toBe(201);
      const cycleState = async () =>
        (await app.inject({ method: 'GET', url: `${CONVENTION}/cycle`, headers: auth.membre })).json<{
          endDate: string;
          amendments: Array<{ number: number; status: string }>;
        }>();
      await eventually(async () => (await cycleState()).endDate === END, 'the cycle to be ready');
      const proposed = await app.inject({
        method: 'POST',
        url: `${CONVENTION}/amendments`,
        ...jsonAs(auth.cooperateur, { newEndDate: `${YEAR + 2}-12-31`, motif: 'Le diagnostic est reporté d’un an.' }),
      });
      expect(proposed.statusCode, proposed.body).toBe(201);
      expect(proposed.json()).toMatchObject({ endDate: END, amendment: { number: 2, status: 'projet' } });
      expect((await signature()).endDate).toBe(END);
      expect(await walk(2, YESTERDAY)).toMatchObject({
        stage: 'signee',
        signedAmendment: { kind: 'prolongation', number: 2 },
      });
      expect(await db.prisma.convention.findUniqueOrThrow({ where: { id: conventionId } })).toMatchObject({
        endDate: new Date(`${YEAR + 2}-12-31T00:00:00Z`),
        status: 'prolongee',
      });
      const cycle = await eventually(async () => {
        const state = await cycleState();
        return state.endDate === `${YEAR + 2}-12-31` ? state : undefined;
      }, 'the cycle to read the new end date');
      expect(cycle.amendments).toMatchObject([{ number: 2, status: 'signe' }]);
      expect((await step('cooperateur', 9, { step: 'signature', party: 'caf', date: YESTERDAY })).statusCode).toBe(404);
    },
  );
});
