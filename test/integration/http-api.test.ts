import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildHttpApp } from '../../client/http/app.js';
import type { Database } from '../../infra/database.js';
import { startMailCatcher, type MailCatcher } from '../../infra/mail-catcher.js';
import { createMailTransport } from '../../infra/mail-transport.js';
import { findFreePort } from '../../infra/ports.js';
import { startDevServer } from '../../infra/temporal-dev-server.js';
import { createConcertoWorker } from '../../worker/create-worker.js';
import { createTestConvention } from '../helpers/convention.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const secretary = { email: 'secretariat@example.org', role: 'secretaire_instance' };

describe('HTTP API over a real Temporal, PostgreSQL and SMTP catcher', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let outboxDir: string;
  let worker: Worker;
  let workerRun: Promise<void>;
  let app: FastifyInstance;
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
      prisma: db.prisma,
      transport: createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port }),
      mailFrom: 'Concerto <concerto@example.org>',
      workflowBundle: workflowBundle(),
    });
    workerRun = worker.run();
    await createTestConvention(db.prisma, 'ctg-http');
    app = buildHttpApp({
      client: env.client,
      prisma: db.prisma,
      taskQueue,
      catcher,
      probes: {
        temporal: async () => {
          await env.connection.workflowService.getSystemInfo({});
        },
        database: () => db.ping(),
      },
    });
  });

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

  it('runs a fiche from creation to the author’s mail', async () => {
    // No convention named: the only one there is.
    const created = await app.inject({ method: 'POST', url: '/api/fiches', ...json({ title: 'Ludothèque itinérante', authorEmail: 'Auteur@Example.org' }) });
    expect(created.statusCode).toBe(201);
    const { ficheId, workflowId } = created.json<{ ficheId: string; workflowId: string }>();
    expect(workflowId).toBe(`fiche-${ficheId}`);

    const member = await app.inject({
      method: 'POST',
      url: `/api/fiches/${ficheId}/decisions`,
      ...json({ outcome: 'favorable', actor: { email: 'membre@example.org', role: 'membre' } }),
    });
    expect(member.statusCode).toBe(403);
    expect(member.json()).toMatchObject({ error: { code: 'ROLE_NOT_ALLOWED', field: 'actor.role' } });

    const decided = await app.inject({ method: 'POST', url: `/api/fiches/${ficheId}/decisions`, ...json({ outcome: 'favorable', actor: secretary }) });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ stage: 'avis_favorable', decisions: [{ outcome: 'favorable', actorEmail: 'secretariat@example.org' }] });

    const again = await app.inject({ method: 'POST', url: `/api/fiches/${ficheId}/decisions`, ...json({ outcome: 'defavorable', actor: secretary }) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'WRONG_STAGE' } });

    await env.client.workflow.getHandle(workflowId).result();
    const state = await app.inject({ method: 'GET', url: `/api/fiches/${ficheId}` });
    expect(state.json()).toMatchObject({ stage: 'avis_favorable', notified: [`${workflowId}:avis-cotech:auteur@example.org`] });

    const outbox = (await app.inject({ method: 'GET', url: '/api/outbox' })).json<{ messages: Array<{ id: string; to: string[]; subject: string; hasCalendar: boolean; date: string }> }>();
    const mine = outbox.messages.filter((m) => m.subject.includes('Ludothèque itinérante'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ to: ['auteur@example.org'], hasCalendar: false });
    expect(Number.isNaN(Date.parse(mine[0]!.date))).toBe(false);

    const eml = await app.inject({ method: 'GET', url: `/api/outbox/${mine[0]!.id}.eml` });
    expect(eml.statusCode).toBe(200);
    expect(eml.headers['content-type']).toBe('message/rfc822');
    const parsed = await simpleParser(eml.rawPayload);
    expect(parsed.subject).toBe(mine[0]!.subject);
    expect(parsed.text).toContain('Le comité technique a rendu son avis');
  });

  it('answers what a client sends wrong with a 4xx and a message for people, never a 500', async () => {
    const cases: Array<[string, InjectOptions, number, Record<string, unknown>]> = [
      ['no title', { method: 'POST', url: '/api/fiches', ...json({ authorEmail: 'a@example.org' }) }, 400, { code: 'INVALID_INPUT', field: 'title' }],
      ['everything missing', { method: 'POST', url: '/api/fiches', ...json({}) }, 400, {
        code: 'INVALID_INPUT',
        field: 'title',
        issues: [expect.objectContaining({ field: 'title' }), expect.objectContaining({ field: 'authorEmail' })],
      }],
      ['unknown convention', { method: 'POST', url: '/api/fiches', ...json({ title: 'T', authorEmail: 'a@example.org', convention: 'ctg-ailleurs' }) }, 400, { code: 'INVALID_INPUT', field: 'convention' }],
      ['bad email', { method: 'POST', url: '/api/fiches', ...json({ title: 'T', authorEmail: 'pas-une-adresse' }) }, 400, { code: 'INVALID_INPUT', field: 'authorEmail' }],
      ['array body', { method: 'POST', url: '/api/fiches', ...json([1, 2]) }, 400, { code: 'INVALID_INPUT' }],
      ['malformed JSON', { method: 'POST', url: '/api/fiches', headers: { 'content-type': 'application/json' }, payload: '{"title":' }, 400, { code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'Le corps de la requête n’est pas un JSON valide.' }],
      ['not JSON', { method: 'POST', url: '/api/fiches', headers: { 'content-type': 'text/csv' }, payload: 'a,b' }, 415, { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }],
      ['unknown fiche', { method: 'GET', url: '/api/fiches/00000000-0000-0000-0000-000000000000' }, 404, { code: 'NOT_FOUND' }],
      ['odd fiche id', { method: 'GET', url: '/api/fiches/..%2F..%2Fetc' }, 404, { code: 'NOT_FOUND' }],
      ['decision on unknown fiche', { method: 'POST', url: '/api/fiches/nope/decisions', ...json({ outcome: 'favorable', actor: secretary }) }, 404, { code: 'NOT_FOUND' }],
      ['unknown outcome', { method: 'POST', url: '/api/fiches/nope/decisions', ...json({ outcome: 'oui', actor: secretary }) }, 400, { code: 'INVALID_INPUT', field: 'outcome' }],
      ['unknown route', { method: 'GET', url: '/api/nothing-here' }, 404, { code: 'NOT_FOUND' }],
      ['unknown message', { method: 'GET', url: '/api/outbox/20990101T000000000Z-000000.eml' }, 404, { code: 'NOT_FOUND' }],
      ['traversal in outbox', { method: 'GET', url: '/api/outbox/..%2F..%2Fpackage.json.eml' }, 404, { code: 'NOT_FOUND' }],
    ];
    for (const [name, request, status, error] of cases) {
      const response = await app.inject(request);
      expect({ name, status: response.statusCode }).toEqual({ name, status });
      const body = response.json<{ error: { message: string } }>();
      expect(body.error).toMatchObject(error);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
  });
});

describe('/healthz names what is down', () => {
  it('asks for a convention when none exists, then answers 503 naming the database once it stops answering, and Temporal once its server is gone', async () => {
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
      prisma: db.prisma,
      taskQueue: 'unused',
      probes: {
        temporal: async () => {
          await connection.workflowService.getSystemInfo({});
        },
        database: () => db.ping(),
      },
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const none = await app.inject({ method: 'POST', url: '/api/fiches', ...json({ title: 'Sans convention', authorEmail: 'a@example.org' }) });
      expect(none.statusCode).toBe(400);
      expect(none.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'convention', message: expect.stringMatching(/npm run demo/) } });

      await db.close();
      const noDatabase = await app.inject({ method: 'GET', url: '/healthz' });
      expect(noDatabase.statusCode).toBe(503);
      expect(noDatabase.json()).toMatchObject({ temporal: 'ok', database: expect.stringMatching(/^down: /) });

      await server.stop();
      const nothing = await app.inject({ method: 'GET', url: '/healthz' });
      expect(nothing.statusCode).toBe(503);
      expect(nothing.json()).toMatchObject({ temporal: expect.stringMatching(/^down: /), database: expect.stringMatching(/^down: /) });
    } finally {
      await app.close();
      await connection.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
