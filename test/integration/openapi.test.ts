import SwaggerParser from '@apidevtools/swagger-parser';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import { collectRoutes } from '../../server/plugins/openapi.js';
import { ACTION_KINDS } from '../../domain/lifecycle/vocabulary.js';
import { loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { tokenFor } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { createStore } from '../../store/index.js';

// The OpenAPI document of the whole app, every optional part on: checked by an OpenAPI 3.1
// validator (@apidevtools/swagger-parser) and against the routes Fastify itself reports.

type Operation = {
  'x-route': string;
  'x-access': string;
  security: unknown[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
  responses: Record<string, unknown>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** "METHOD /url" of every route, from Fastify's own tree (`printRoutes`), HEAD twins left out. */
function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

describe('GET /api/openapi.json', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  let stack: TestWorker;
  let document: Document;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    await loadDemo(db.prisma);
    await db.prisma.person.create({ data: { email: 'admin@example.org', displayName: 'Admin', admin: true } });
    // A worker, as in production: the routes that start a workflow and then update it (the
    // convention's cycle, its amendments) would otherwise wait for one.
    stack = await startTestWorker(env, db, 'openapi');
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: stack.taskQueue,
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
      feeds: { organizerEmail: 'concerto@example.org' },
      // No sign-in is asked here: nothing is mailed.
      signIn: { sendMail: async () => Promise.reject(new Error('no mail in this test')) },
    });
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json<Document>();
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('has every registered route, and nothing that is not one', () => {
    const registered = registeredRoutes(app);
    expect(registered.length).toBeGreaterThan(30);
    const documented = new Set(
      Object.values(document.paths).flatMap((operations) => Object.values(operations).map((op) => op['x-route'])),
    );
    expect([...documented].sort()).toEqual(registered);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) expect(path.startsWith('/'), `${method} ${path}`).toBe(true);
    }
  });

  it('states the schema each path parameter is checked with, and a 400 for it', () => {
    const show = document.paths['/api/fiches/{id}']!.get!;
    expect(show.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ type: 'string', minLength: 1, maxLength: 2048, pattern: expect.any(String) }),
      },
    ]);
    expect(show.responses[400]).toBeDefined();
    // A query parameter the route declares: listed with its schema and what it does.
    expect(document.paths['/api/conventions/{slug}/running']!.put!.parameters).toContainEqual({
      name: 'dryRun',
      in: 'query',
      required: false,
      description: expect.stringMatching(/write nothing/),
      schema: { type: 'string', enum: ['true', 'false'] },
    });
  });

  it('gives one path per step, with the body its zod schema checks, without what the server sets', () => {
    for (const kind of ACTION_KINDS)
      expect(document.paths[`/api/fiches/{id}/actions/${kind}`]?.post, kind).toBeDefined();
    const avis =
      document.paths['/api/fiches/{id}/actions/recordAvis']!.post!.requestBody!.content['application/json']!.schema;
    expect(avis).toMatchObject({
      type: 'object',
      required: ['outcome'],
      properties: { outcome: { enum: ['favorable', 'a_retravailler', 'defavorable'] } },
    });
    expect(Object.keys(avis.properties as object).sort()).toEqual(['comment', 'outcome']);
    expect(
      document.paths['/api/meetings/{id}/cancel']!.post!.requestBody!.content['application/json']!.schema,
    ).toMatchObject({ required: ['reason'] });
    expect(document.paths['/api/conventions/{slug}/members.csv']!.post!.requestBody!.content['text/csv']).toBeDefined();
  });

  it('answers whatever a client sends to any route with a 4xx, never a 500', { timeout: 240_000 }, async () => {
    const admin = await tokenFor(db.prisma, 'admin@example.org');
    const bodies: Array<[string, string]> = [
      ['application/json', '[]'],
      ['application/json', '"texte"'],
      ['application/json', 'null'],
      [
        'application/json',
        '{"actor":{"email":"x"},"outcome":[1],"rules":{"a":1},"startDate":5,"label":{},"reason":null,"optionId":7}',
      ],
      ['application/json', '{"title":'],
      ['text/csv', 'a;b\n"'],
      ['application/x-www-form-urlencoded', 'email=%%&_csrf='],
    ];
    const served: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
          name === 'slug' ? 'ctg-mellois-en-poitou-2023-2027' : name === 'year' ? '20x4' : 'inconnu',
        );
        for (const [type, payload] of method === 'get' || method === 'delete' ? [['', '']] : bodies) {
          for (const headers of [{}, admin]) {
            const response = await app.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers: { ...headers, ...(type ? { 'content-type': type } : {}) },
              ...(type ? { payload } : {}),
            });
            if (response.statusCode >= 500)
              served.push(
                `${method.toUpperCase()} ${url} ` +
                  `(${type} ${payload}): ${response.statusCode} ${response.body.slice(0, 200)}`,
              );
          }
        }
      }
    }
    expect(served).toEqual([]);
  });

  it('says who may call each route: public ones need nothing, the others a session or a token, and answer 401', () => {
    const byRoute = new Map(
      Object.values(document.paths).flatMap((operations) =>
        Object.values(operations).map((op) => [op['x-route'], op] as const),
      ),
    );
    for (const route of [
      'GET /healthz',
      'POST /auth/sign-in',
      'GET /rsvp/:token',
      'GET /conventions/:slug/retroplanning/:year.png',
    ]) {
      expect(byRoute.get(route)?.security, route).toEqual([]);
    }
    expect(byRoute.get('GET /api/outbox')).toMatchObject({
      'x-access': 'admin',
      security: [{ sessionCookie: [] }, { bearerToken: [] }],
      responses: { 401: expect.anything(), 403: expect.anything() },
    });
    expect(byRoute.get('PUT /api/conventions/setup')).toMatchObject({ 'x-access': 'admin' });
  });
});

describe('a route registered without its declaration', () => {
  it('stops the start-up, naming the route', async () => {
    const app = Fastify();
    collectRoutes(app);
    void app.register(async (scope) => {
      scope.get('/undeclared', async () => 'hidden');
    });
    await expect(app.ready()).rejects.toThrow('GET /undeclared is registered without a declaration');
    await app.close();
  });
});
