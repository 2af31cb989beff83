import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { startMailCatcher, type MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { findFreePort } from '../../infra/process/ports.js';
import { startDevServer } from '../../infra/temporal/dev-server.js';
import { pingTemporal } from '../../infra/temporal/connection.js';
import { loadDemo } from '../../store/conventions/load-demo.js';
import { createConcertoWorker } from '../../worker/create-worker.js';
import type { FicheState } from '../../domain/fiche-views.js';
import { jsonAs, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';
import { retentionWorkflowId } from '../../workflows/retention-definitions.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
// Members of the demo convention (prisma/seed/ctg-mellois-en-poitou-2023-2027.json).
const cooperator = { email: 'directrice.education@example.org' };
const cotechSecretary = { email: 'assistante.education@example.org' };
/** A COTECH member who is not its secretary. */
const cotechMember = { email: 'caf.conseiller-territorial@example.org' };
/** How far ahead the COTECH meeting starts: long enough to try an avis before it. */
const MEETING_LEAD_MS = 10_000;

/** Polls until `check` gives a value, or fails after `ms` naming `what`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('HTTP API over a real Temporal, PostgreSQL and SMTP catcher', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let outboxDir: string;
  let worker: Worker;
  let workerRun: Promise<void>;
  let app: FastifyInstance;
  /** Headers that sign requests in as each of them (API tokens). */
  const as: Record<'cooperator' | 'secretary' | 'member' | 'admin' | 'outsider', AuthHeaders> = {} as never;
  const taskQueue = uniqueTaskQueue('http');

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase('postgres');
    outboxDir = await mkdtemp(path.join(os.tmpdir(), 'concerto-http-'));
    catcher = await startMailCatcher({ dir: outboxDir });
    worker = await createConcertoWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      store: createStore(db.prisma),
      transport: createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port }),
      mailFrom: 'Concerto <concerto@example.org>',
      links: TEST_LINKS,
      workflowBundle: workflowBundle(),
    });
    workerRun = worker.run();
    await loadDemo(db.prisma);
    await db.prisma.person.createMany({
      data: [
        { email: 'admin@example.org', displayName: 'Admin', admin: true },
        { email: 'outsider@example.org', displayName: 'Personne d’ailleurs' },
      ],
    });
    // The author of the first fiche: a person of the convention, whom the admin names.
    const gtt = await db.prisma.instance.findFirstOrThrow({ where: { kind: 'gtt' }, select: { id: true } });
    await db.prisma.person.create({
      data: {
        email: 'auteur@example.org',
        displayName: 'Auteur',
        memberships: { create: { instanceId: gtt.id, role: 'membre' } },
      },
    });
    as.cooperator = await tokenFor(db.prisma, cooperator.email);
    as.secretary = await tokenFor(db.prisma, cotechSecretary.email);
    as.member = await tokenFor(db.prisma, cotechMember.email);
    as.admin = await tokenFor(db.prisma, 'admin@example.org');
    as.outsider = await tokenFor(db.prisma, 'outsider@example.org');
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue,
      catcher,
      probes: {
        temporal: () => pingTemporal(env.connection, 2500),
        database: () => db.ping(),
      },
    });
  });

  const getState = async (ficheId: string): Promise<FicheState> => {
    const response = await app.inject({ method: 'GET', url: `/api/fiches/${ficheId}`, headers: as.cooperator });
    expect(response.statusCode).toBe(200);
    return response.json<FicheState>();
  };

  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await workerRun;
    await catcher?.close();
    await db?.close();
    await env?.teardown();
    await rm(outboxDir, { recursive: true, force: true });
  });

  it('answers /healthz with 200 when Temporal and the database answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ temporal: 'ok', database: 'ok' });
  });

  it('runs a fiche from creation to the author’s mail about the COTECH’s avis, decided at its meeting', async () => {
    // No convention named: the only one there is.
    const created = await app.inject({
      method: 'POST',
      url: '/api/fiches',
      ...jsonAs(as.admin, { title: 'Ludothèque itinérante', authorEmail: 'Auteur@Example.org' }),
    });
    expect(created.statusCode).toBe(201);
    const { ficheId, workflowId } = created.json<{ ficheId: string; workflowId: string }>();
    expect(workflowId).toBe(`fiche-${ficheId}`);
    const draft = await eventually('the fiche’s code', async () => {
      const state = await getState(ficheId);
      return state.code ? state : undefined;
    });
    expect(draft.lifecycle.stage).toBe('brouillon');
    expect(draft.code).toMatch(/^FA-\d{4}-\d{2}$/);

    const submitted = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/actions/submit`,
      ...jsonAs(as.cooperator, {}),
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json<FicheState>().lifecycle.stage).toBe('soumise');

    // Decided in a meeting: with none scheduled, the avis has nowhere to be taken.
    const noMeeting = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/actions/recordAvis`,
      ...jsonAs(as.secretary, { outcome: 'favorable' }),
    });
    expect(noMeeting.statusCode).toBe(409);
    expect(noMeeting.json()).toMatchObject({
      error: { code: 'WRONG_STAGE', message: expect.stringMatching(/ordre du jour/) },
    });

    // A COTECH convened at once: this convention's COTECH takes no convocation delay.
    await db.prisma.instance.updateMany({ where: { slug: 'cotech' }, data: { convocationDelayDays: 0 } });
    const startsAt = new Date(Date.now() + MEETING_LEAD_MS);
    const meeting = await app.inject({
      method: 'POST',
      url: '/api/meetings',
      ...jsonAs(as.cooperator, {
        instance: 'cotech',
        title: 'COTECH de test',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        // Moments ahead, whatever the day: a weekend or a public holiday is held by an override.
        override: { reason: 'Test : réunion imminente' },
      }),
    });
    expect(meeting.statusCode).toBe(201);
    const { meetingId } = meeting.json<{ meetingId: string }>();
    const onAgenda = await eventually('the fiche on the COTECH’s agenda', async () => {
      const state = await getState(ficheId);
      return state.agenda ? state : undefined;
    });
    expect(onAgenda.agenda).toMatchObject({
      instanceKind: 'cotech',
      version: 1,
      meetingId,
      startsAt: startsAt.toISOString(),
    });
    expect(await db.prisma.agendaItem.count({ where: { meetingId, ficheId } })).toBe(1);

    // A COTECH member who is not its secretary may not record the avis.
    const member = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/actions/recordAvis`,
      ...jsonAs(as.member, { outcome: 'favorable' }),
    });
    expect(member.statusCode).toBe(403);
    expect(member.json()).toMatchObject({ error: { code: 'ROLE_NOT_ALLOWED', field: 'actor.instanceRoles.cotech' } });

    expect(Date.now(), 'the meeting started before the early avis could be tried').toBeLessThan(startsAt.getTime());
    const early = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/actions/recordAvis`,
      ...jsonAs(as.secretary, { outcome: 'favorable' }),
    });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      error: { code: 'WRONG_STAGE', message: expect.stringContaining('COTECH de test') },
    });

    await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 200);
    const decided = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/actions/recordAvis`,
      ...jsonAs(as.secretary, { outcome: 'favorable', comment: 'Cohérent avec la CTG.' }),
    });
    expect(decided.statusCode).toBe(200);
    const after = decided.json<FicheState>();
    expect(after.lifecycle.stage).toBe('attente_copil');
    expect(after.lifecycle.history.map((h) => [h.action, h.by])).toEqual([
      ['submit', cooperator.email],
      ['recordAvis', cotechSecretary.email],
    ]);

    const again = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/actions/recordAvis`,
      ...jsonAs(as.secretary, { outcome: 'defavorable', comment: 'Non.' }),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'WRONG_STAGE' } });

    expect(
      await db.prisma.decision.findMany({
        where: { ficheId },
        select: { outcome: true, actorEmail: true, meetingId: true, stage: true },
      }),
    ).toEqual([{ outcome: 'favorable', actorEmail: cotechSecretary.email, meetingId, stage: 'soumise' }]);

    // The workflow records who it told once the relay has the mail.
    await eventually('the author told of the avis', async () => {
      const { notified } = await getState(ficheId);
      return notified.includes(`${workflowId}:step-2:avis-cotech:auteur@example.org`) || undefined;
    });
    const outbox = (await app.inject({ method: 'GET', url: '/api/outbox', headers: as.admin })).json<{
      messages: Array<{ id: string; to: string[]; subject: string; hasCalendar: boolean; date: string }>;
    }>();
    const toAuthor = outbox.messages.filter((m) => m.to.includes('auteur@example.org'));
    expect(toAuthor.map((m) => m.subject).sort()).toEqual([
      `Avis du COTECH sur la fiche ${draft.code} : favorable`,
      `Votre fiche ${draft.code} est soumise`,
    ]);
    const avis = toAuthor.find((m) => m.subject.startsWith('Avis du COTECH'))!;
    expect(avis).toMatchObject({ to: ['auteur@example.org'], hasCalendar: false });
    expect(Number.isNaN(Date.parse(avis.date))).toBe(false);

    const eml = await app.inject({ method: 'GET', url: `/api/outbox/${avis.id}.eml`, headers: as.admin });
    expect(eml.statusCode).toBe(200);
    expect(eml.headers['content-type']).toBe('message/rfc822');
    const parsed = await simpleParser(eml.rawPayload);
    expect(parsed.subject).toBe(avis.subject);
    expect(parsed.text).toContain('Le COTECH a rendu son avis');
    expect(parsed.text).toContain('« Ludothèque itinérante »');
    expect(parsed.text).toContain('Commentaire : Cohérent avec la CTG.');
  });

  it(
    'starts the annual calendar from the rules of recurring meetings, ' +
      'then changes them; refuses a member and a malformed rule',
    async () => {
      const rules = [
        {
          instance: 'cotech',
          frequency: { every: 'quarter', firstMonth: 1 },
          weekday: 'mardi',
          nth: 1,
          time: '14:00',
          durationMinutes: 180,
        },
      ];
      const url = '/api/conventions/ctg-mellois-en-poitou-2023-2027/calendar';
      expect((await app.inject({ method: 'GET', url, headers: as.member })).statusCode).toBe(404);
      // The demo's setup gives the COTECH, the COPIL and the Bureau their rules: stored before any calendar runs.
      const stored = (await app.inject({ method: 'GET', url: `${url}/rules`, headers: as.member })).json<{
        rules: Array<{ instance: string }>;
      }>().rules;
      expect(stored.map((r) => r.instance)).toEqual(['bureau-communautaire', 'copil', 'cotech']);
      expect(stored).toContainEqual(rules[0]);
      const byMember = await app.inject({ method: 'PUT', url: `${url}/rules`, ...jsonAs(as.member, { rules }) });
      expect(byMember.statusCode).toBe(403);
      const malformed = await app.inject({
        method: 'PUT',
        url: `${url}/rules`,
        ...jsonAs(as.cooperator, { rules: [{ ...rules[0], time: '2 pm' }] }),
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'time' } });

      const started = await app.inject({ method: 'PUT', url: `${url}/rules`, ...jsonAs(as.cooperator, { rules }) });
      expect(started.statusCode).toBe(201);
      const state = await eventually('the calendar', async () => {
        const response = await app.inject({ method: 'GET', url, headers: as.member });
        return response.statusCode === 200 ? response.json<{ year: number; meetings: unknown[] }>() : undefined;
      });
      expect(state).toMatchObject({ year: new Date().getFullYear(), meetings: expect.any(Array) });
      const changed = await app.inject({
        method: 'PUT',
        url: `${url}/rules`,
        ...jsonAs(as.cooperator, {
          rules: [...rules, { ...rules[0], instance: 'copil', frequency: { every: 'months', months: [6, 12] } }],
        }),
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json<{ rules: unknown[] }>().rules).toHaveLength(2);
      expect(
        (await app.inject({ method: 'GET', url: `${url}/rules`, headers: as.member }))
          .json<{ rules: Array<{ instance: string }> }>()
          .rules.map((r) => r.instance),
      ).toEqual(['copil', 'cotech']);
      const unknownMilestone = await app.inject({
        method: 'POST',
        url: `${url}/milestones/inconnue/move`,
        ...jsonAs(as.cooperator, { startDate: '2026-12-15' }),
      });
      expect(unknownMilestone.statusCode).toBe(400);
      await env.client.workflow.getHandle(started.json<{ workflowId: string }>().workflowId).terminate('end of test');
    },
  );

  it(
    'started the convention’s cycle with its calendar; shows it, starts ' +
      'it again idempotently, and prolongs the convention by amendment',
    async () => {
      const url = '/api/conventions/ctg-mellois-en-poitou-2023-2027';
      const state = await eventually('the cycle', async () => {
        const response = await app.inject({ method: 'GET', url: `${url}/cycle`, headers: as.member });
        return response.statusCode === 200
          ? response.json<{ year: number; endDate: string; campaigns: unknown[] }>()
          : undefined;
      });
      expect(state).toMatchObject({ year: new Date().getFullYear(), endDate: '2027-12-31' });
      const again = await app.inject({ method: 'POST', url: `${url}/cycle`, ...jsonAs(as.cooperator, {}) });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ started: false });
      // The cycle brings the convention's retention clock (personal data anonymised after end + retention).
      const { id } = await db.prisma.convention.findUniqueOrThrow({
        where: { slug: 'ctg-mellois-en-poitou-2023-2027' },
      });
      const retention = env.client.workflow.getHandle(retentionWorkflowId(id));
      expect((await retention.describe()).status.name).toBe('RUNNING');
      expect((await app.inject({ method: 'POST', url: `${url}/cycle`, ...jsonAs(as.member, {}) })).statusCode).toBe(
        403,
      );

      const amend = (body: Record<string, unknown>, auth = as.cooperator) =>
        app.inject({ method: 'POST', url: `${url}/amendments`, ...jsonAs(auth, body) });
      expect((await amend({ newEndDate: '2028-12-31', motif: 'Report' }, as.member)).statusCode).toBe(403);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `${url}/amendments`,
            ...json({ newEndDate: '2028-12-31', motif: 'Report' }),
          })
        ).statusCode,
      ).toBe(401);
      const earlier = await amend({ newEndDate: '2027-06-30', motif: 'Report' });
      expect(earlier.statusCode).toBe(400);
      expect(earlier.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'newEndDate' } });
      expect((await amend({ newEndDate: '2028-12-31' })).json()).toMatchObject({
        error: { code: 'INVALID_INPUT', field: 'motif' },
      });
      // The avenant is a « projet »: the end date moves once the three parties signed it (convention-signature test).
      const proposed = await amend({
        newEndDate: '2028-12-31',
        motif: 'Le diagnostic du territoire est reporté d’un an.',
      });
      expect(proposed.statusCode).toBe(201);
      expect(proposed.json()).toMatchObject({
        endDate: '2027-12-31',
        amendment: {
          number: 1,
          status: 'projet',
          previousEndDate: '2027-12-31',
          newEndDate: '2028-12-31',
          by: cooperator.email,
        },
      });
      const convention = await db.prisma.convention.findUniqueOrThrow({
        where: { slug: 'ctg-mellois-en-poitou-2023-2027' },
        include: { amendments: true },
      });
      expect(convention.endDate.toISOString().slice(0, 10)).toBe('2027-12-31');
      expect(convention.amendments).toHaveLength(1);
      const workflowId = again.json<{ workflowId: string }>().workflowId;
      await env.client.workflow.getHandle(workflowId).terminate('end of test');
      // One avenant at a time: another is refused while this one waits for its signatures.
      const second = await amend({ newEndDate: '2029-12-31', motif: 'Report' });
      expect(second.statusCode, second.body).toBe(409);
      // Not running any more (and none pending): the amendment route says how to start it.
      await db.prisma.amendment.deleteMany({ where: { conventionId: convention.id } });
      expect((await amend({ newEndDate: '2029-12-31', motif: 'Report' })).statusCode).toBe(404);
      await db.prisma.convention.update({
        where: { id: convention.id },
        data: { endDate: new Date('2027-12-31T00:00:00Z'), status: 'en_cours' },
      });
    },
  );

  it(
    'starts the polls of the convention’s setup only when they ' +
      'can start: the demo’s 2024 polls are past, and said so',
    async () => {
      const url = '/api/conventions/ctg-mellois-en-poitou-2023-2027/polls/start';
      const response = await app.inject({ method: 'POST', url, ...jsonAs(as.cooperator, {}) });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ polls: unknown[] }>().polls).toEqual(
        ['lancement-evaluation-pedt-2024', 'journee-plan-actions-2024'].map((key) =>
          expect.objectContaining({
            key,
            outcome: 'refused',
            code: 'INVALID_INPUT',
            field: 'deadline',
            message: expect.stringMatching(/date limite de réponse .* est passée/),
          }),
        ),
      );
      expect(await db.prisma.poll.count({ where: { key: { endsWith: '-2024' }, workflowId: { not: null } } })).toBe(0);
      expect((await app.inject({ method: 'POST', url, ...jsonAs(as.outsider, {}) })).statusCode).toBe(403);
    },
  );

  it('makes the creator the author of a new fiche; only an admin names another person of the convention', async () => {
    const create = (as: AuthHeaders, body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/fiches', ...jsonAs(as, { title: 'Auteur ?', ...body }) });
    const mine = await create(as.member, {});
    expect(mine.statusCode).toBe(201);
    const someoneElse = await create(as.member, { authorEmail: cooperator.email });
    expect(someoneElse.statusCode).toBe(403);
    expect(someoneElse.json()).toMatchObject({
      error: { code: 'ROLE_NOT_ALLOWED', field: 'authorEmail', message: expect.stringMatching(/administrateur/) },
    });
    const outside = await create(as.admin, { authorEmail: 'outsider@example.org' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ error: { message: expect.stringMatching(/^outsider@example.org n’est/) } });
    const named = await create(as.admin, { authorEmail: cotechMember.email });
    expect(named.statusCode).toBe(201);

    const ids = [mine, named].map((r) => r.json<{ ficheId: string }>().ficheId);
    const lines = await db.prisma.auditEvent.findMany({
      where: { action: 'fiche.create', subject: { in: ids.map((id) => `fiche:${id}`) } },
    });
    expect(
      ids.map((id) => {
        const line = lines.find((l) => l.subject === `fiche:${id}`);
        return [line?.actor, (line?.details as { author?: string } | undefined)?.author];
      }),
    ).toEqual([
      [cotechMember.email, cotechMember.email],
      ['admin@example.org', cotechMember.email],
    ]);
    for (const id of ids) {
      await eventually(
        'the fiche in the store',
        async () => (await db.prisma.ficheAction.findUnique({ where: { id } })) ?? undefined,
      );
      await env.client.workflow.getHandle(`fiche-${id}`).terminate('fin du test');
    }
  });

  it('files a new fiche under the GTT asked for, and refuses one the convention lacks, naming the field', async () => {
    const create = (gtt: unknown) =>
      app.inject({ method: 'POST', url: '/api/fiches', ...jsonAs(as.cooperator, { title: 'Fiche d’un GTT', gtt }) });
    const unknown = await create('gtt-9');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      error: {
        code: 'INVALID_INPUT',
        field: 'gtt',
        message: '« gtt-9 » n’est pas un groupe de travail de la convention ; ses GTT sont : gtt-1, gtt-2, gtt-3.',
      },
    });
    const filed = await create('GTT-2');
    expect(filed.statusCode, filed.body).toBe(201);
    const { ficheId } = filed.json<{ ficheId: string }>();
    const row = await eventually(
      'the fiche in the store',
      async () =>
        (await db.prisma.ficheAction.findUnique({ where: { id: ficheId }, select: { gtt: true } })) ?? undefined,
    );
    expect(row.gtt?.slug).toBe('gtt-2');
    await env.client.workflow.getHandle(`fiche-${ficheId}`).terminate('fin du test');
  });

  it('answers what a client sends wrong with a 4xx and a message for people, never a 500', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/fiches',
      ...jsonAs(as.cooperator, { title: 'Fiche pour les erreurs' }),
    });
    expect(created.statusCode).toBe(201);
    const { ficheId } = created.json<{ ficheId: string }>();
    // Actions look the fiche up in the store, where the workflow's first activity writes it.
    await eventually(
      'the fiche in the store',
      async () => (await db.prisma.ficheAction.findUnique({ where: { id: ficheId } })) ?? undefined,
    );
    const avisOn = (id: string) => `/api/fiches/${id}/actions/recordAvis`;
    const cases: Array<[string, InjectOptions, number, Record<string, unknown>]> = [
      [
        'no title',
        { method: 'POST', url: '/api/fiches', ...jsonAs(as.cooperator, { authorEmail: 'a@example.org' }) },
        400,
        { code: 'INVALID_INPUT', field: 'title' },
      ],
      [
        'nothing right',
        { method: 'POST', url: '/api/fiches', ...jsonAs(as.cooperator, { authorEmail: 42 }) },
        400,
        {
          code: 'INVALID_INPUT',
          field: 'title',
          issues: [expect.objectContaining({ field: 'title' }), expect.objectContaining({ field: 'authorEmail' })],
          fields: [
            expect.objectContaining({ field: 'title', message: expect.any(String) }),
            expect.objectContaining({ field: 'authorEmail' }),
          ],
        },
      ],
      [
        'unknown convention',
        {
          method: 'POST',
          url: '/api/fiches',
          ...jsonAs(as.cooperator, { title: 'T', authorEmail: 'a@example.org', convention: 'ctg-ailleurs' }),
        },
        400,
        { code: 'INVALID_INPUT', field: 'convention' },
      ],
      [
        'bad email',
        {
          method: 'POST',
          url: '/api/fiches',
          ...jsonAs(as.cooperator, { title: 'T', authorEmail: 'pas-une-adresse' }),
        },
        400,
        { code: 'INVALID_INPUT', field: 'authorEmail' },
      ],
      [
        'array body',
        { method: 'POST', url: '/api/fiches', ...jsonAs(as.cooperator, [1, 2]) },
        400,
        { code: 'INVALID_INPUT' },
      ],
      [
        'malformed JSON',
        {
          method: 'POST',
          url: '/api/fiches',
          headers: { ...as.cooperator, 'content-type': 'application/json' },
          payload: '{"title":',
        },
        400,
        { code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'Le corps de la requête n’est pas un JSON valide.' },
      ],
      [
        'not JSON',
        {
          method: 'POST',
          url: '/api/fiches',
          headers: { ...as.cooperator, 'content-type': 'text/csv' },
          payload: 'a,b',
        },
        415,
        { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
      ],
      [
        'unknown fiche',
        { method: 'GET', url: '/api/fiches/00000000-0000-0000-0000-000000000000', headers: as.cooperator },
        404,
        { code: 'NOT_FOUND' },
      ],
      [
        'odd fiche id',
        { method: 'GET', url: '/api/fiches/..%2F..%2Fetc', headers: as.cooperator },
        400,
        { code: 'INVALID_INPUT', field: 'id', message: expect.stringContaining('« id »') },
      ],
      [
        'unknown action',
        { method: 'POST', url: `/api/fiches/${ficheId}/actions/approve`, ...jsonAs(as.secretary, {}) },
        404,
        { code: 'NOT_FOUND' },
      ],
      [
        'action on unknown fiche',
        { method: 'POST', url: avisOn('nope'), ...jsonAs(as.secretary, { outcome: 'favorable' }) },
        404,
        { code: 'NOT_FOUND' },
      ],
      [
        'unknown outcome',
        { method: 'POST', url: avisOn(ficheId), ...jsonAs(as.secretary, { outcome: 'oui' }) },
        400,
        { code: 'INVALID_INPUT', field: 'outcome' },
      ],
      // Who acts is who is signed in: an actor claimed in the body changes nothing.
      [
        'nobody signed in',
        {
          method: 'POST',
          url: avisOn(ficheId),
          ...json({ outcome: 'favorable', actor: { email: cotechSecretary.email, appRole: 'admin' } }),
        },
        401,
        { code: 'UNAUTHENTICATED' },
      ],
      [
        'a member claiming to be a coopérateur',
        {
          method: 'POST',
          url: `/api/fiches/${ficheId}/actions/submit`,
          ...jsonAs(as.member, { actor: { email: cooperator.email, appRole: 'cooperateur' } }),
        },
        403,
        { code: 'ROLE_NOT_ALLOWED' },
      ],
      [
        'a forged token',
        {
          method: 'POST',
          url: avisOn(ficheId),
          ...jsonAs({ authorization: 'Bearer cct_forged' }, { outcome: 'favorable' }),
        },
        401,
        { code: 'UNAUTHENTICATED' },
      ],
      [
        'a person of no instance of the convention',
        { method: 'POST', url: avisOn(ficheId), ...jsonAs(as.outsider, { outcome: 'favorable' }) },
        403,
        { code: 'ROLE_NOT_ALLOWED', field: 'actor' },
      ],
      [
        'unknown route',
        { method: 'GET', url: '/api/nothing-here', headers: as.cooperator },
        404,
        { code: 'NOT_FOUND' },
      ],
      [
        'unknown message',
        { method: 'GET', url: '/api/outbox/20990101T000000000Z-000000.eml', headers: as.admin },
        404,
        { code: 'NOT_FOUND' },
      ],
      [
        'traversal in outbox',
        { method: 'GET', url: '/api/outbox/..%2F..%2Fpackage.json.eml', headers: as.admin },
        400,
        { code: 'INVALID_INPUT', field: 'file' },
      ],
    ];
    for (const [name, request, status, error] of cases) {
      const response = await app.inject(request);
      expect({ name, status: response.statusCode }).toEqual({ name, status });
      const body = response.json<{ error: { message: string } }>();
      expect(body.error, name).toMatchObject(error);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    // None of the refused actions entered the fiche's history.
    expect((await getState(ficheId)).lifecycle.history).toEqual([]);
  });
});

describe('/healthz names what is down', () => {
  it(
    'asks for a convention when none exists, then answers 503 naming the ' +
      'database once it stops answering, and Temporal once its server is gone',
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-health-'));
      const server = await startDevServer({
        cliPath: inject('temporalCliPath'),
        dbFilename: path.join(dir, 'temporal.db'),
        port: await findFreePort(),
        uiPort: false,
      });
      const connection = await Connection.connect({ address: server.address });
      const db = await openTestDatabase('postgres');
      const app = buildHttpApp({
        client: new Client({ connection }),
        store: createStore(db.prisma),
        taskQueue: 'unused',
        probes: {
          temporal: () => pingTemporal(connection, 2500),
          database: () => db.ping(),
        },
      });
      try {
        expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
        await db.prisma.person.create({ data: { email: 'admin@example.org', displayName: 'Admin', admin: true } });
        const admin = await tokenFor(db.prisma, 'admin@example.org');
        const none = await app.inject({
          method: 'POST',
          url: '/api/fiches',
          ...jsonAs(admin, { title: 'Sans convention', authorEmail: 'a@example.org' }),
        });
        expect(none.statusCode).toBe(400);
        expect(none.json()).toMatchObject({
          error: { code: 'INVALID_INPUT', field: 'convention', message: expect.stringMatching(/npm run demo/) },
        });

        await db.close();
        const noDatabase = await app.inject({ method: 'GET', url: '/healthz' });
        expect(noDatabase.statusCode).toBe(503);
        expect(noDatabase.json()).toMatchObject({ temporal: 'ok', database: expect.stringMatching(/^down: /) });

        await server.stop();
        const nothing = await app.inject({ method: 'GET', url: '/healthz' });
        expect(nothing.statusCode).toBe(503);
        expect(nothing.json()).toMatchObject({
          temporal: expect.stringMatching(/^down: /),
          database: expect.stringMatching(/^down: /),
        });
      } finally {
        await app.close();
        await connection.close();
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
