import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, runCli } from '../../cli/main.js';
import { EXIT } from '../../cli/exit-codes.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { atLocalTime, shiftDate, toLocal } from '../../domain/paris-time.js';
import { buildHttpApp } from '../../server/app.js';
import { loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { jsonAs, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';

/**
 * Every route the OpenAPI document lists (so a new route is covered without a word here) and every
 * CLI verb, driven with hostile text: NUL and other control characters, bidi overrides, lone
 * surrogates, huge strings, deep JSON. Nothing may answer 5xx; a refused text is a French 400 that
 * names its field or parameter; and the fiche and the meeting hit with it still take their next step.
 */

// Members of the demo convention (prisma/seed/ctg-mellois-en-poitou-2023-2027.json).
const COOPERATOR = 'directrice.education@example.org';
const SEED = 20261203;

/** One character no text at the edge may carry, whether single- or multi-line. */
const refused = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u009B',
  '\u202A',
  '\u202E',
  '\u2066',
  '\u2069',
  '\uD800',
  '\uDFFF',
);
/** A text carrying at least one refused character, among others (tabs, line breaks, combining accents). */
const hostileText = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    refused,
    fc.constantFrom('', '\t', '\n', '\r\n', 'e\u0301', '\u200F'),
    fc.string({ unit: 'binary', maxLength: 8 }),
  )
  .map(([before, bad, other, after]) => `${before}${other}${bad}${after}`);
/** What the CLI is given: hostile text it refuses itself, or text too long that the API refuses. */
const cliText = fc.oneof(
  hostileText,
  fc.integer({ min: 3000, max: 20_000 }).map((length) => `e\u0301${'x'.repeat(length)}`),
);
/** A JSON value nested deeper than any input may be. */
const deepJson = fc.integer({ min: 33, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

interface Operation {
  method: string;
  path: string;
  params: string[];
  bodyType?: string;
  properties: string[];
}

const FRENCH = /[àâçéèêëîïôûùü’«»]|\b(le|la|les|du|des|une?|est|ne|pas|doit|aucune?|cet|cette|pour|avec)\b/i;
const ENGLISH = /\b(Bad Request|Not Found|Internal Server Error|is not|must be|Unexpected|Invalid)\b/;

describe('hostile input at every door (API routes and CLI verbs)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  let baseUrl: string;
  let admin: AuthHeaders;
  let cooperator: AuthHeaders;
  let operations: Operation[];
  /** Real values of path parameters, so a hostile body reaches a real fiche or meeting. */
  const real: Record<string, string> = { slug: 'ctg-mellois-en-poitou-2023-2027' };

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    await loadDemo(db.prisma);
    await db.prisma.person.create({ data: { email: 'admin@example.org', displayName: 'Admin', admin: true } });
    admin = await tokenFor(db.prisma, 'admin@example.org');
    cooperator = await tokenFor(db.prisma, COOPERATOR);
    stack = await startTestWorker(env, db, 'hostile');
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: stack.taskQueue,
      catcher: stack.catcher,
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
      feeds: { organizerEmail: 'concerto@example.org' },
      signIn: { sendMail: async () => undefined },
      probes: { temporal: async () => undefined, database: () => db.ping() },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const bound = app.server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${bound.port}`;

    const fiche = await app.inject({
      method: 'POST',
      url: '/api/fiches',
      ...jsonAs(cooperator, { title: 'Ludothèque itinérante', authorEmail: COOPERATOR }),
    });
    expect(fiche.statusCode, fiche.body).toBe(201);
    real.ficheId = fiche.json<{ ficheId: string }>().ficheId;
    // The workflow stores the fiche: wait for it, so the hostile requests reach a fiche that exists.
    await eventually(async () => {
      const versions = await app.inject({
        method: 'GET',
        url: `/api/fiches/${real.ficheId!}/versions`,
        headers: admin,
      });
      return versions.statusCode === 200;
    }, 'the fiche stored');
    const day = nextOpenDay(shiftDate(toLocal(new Date()), 40), null).date;
    const startsAt = atLocalTime(day, 14);
    const meeting = await app.inject({
      method: 'POST',
      url: '/api/meetings',
      ...jsonAs(cooperator, {
        instance: 'cotech',
        title: 'COTECH à l’épreuve',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      }),
    });
    expect(meeting.statusCode, meeting.body).toBe(201);
    real.meetingId = meeting.json<{ meetingId: string }>().meetingId;

    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: unknown }> } }>>;
    }>();
    operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, op]) => {
        const [bodyType, content] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
        return {
          method: method.toUpperCase(),
          path,
          params: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!),
          ...(bodyType ? { bodyType } : {}),
          properties: propertiesOf(content?.schema),
        };
      }),
    );
    expect(operations.length).toBeGreaterThan(30);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  /** A real value for a path parameter the fixtures have, else something that exists nowhere. */
  const realParam = (path: string, name: string): string => {
    if (name === 'slug') return real.slug!;
    if (name !== 'id') return 'inconnu';
    if (path.startsWith('/api/fiches/') || path.startsWith('/fiches/')) return real.ficheId!;
    if (path.startsWith('/api/meetings/') || path.startsWith('/reunions/')) return real.meetingId!;
    return 'inconnu';
  };

  const send = (op: Operation, url: string, auth: AuthHeaders, body?: string, type?: string) =>
    app.inject({
      method: op.method as 'GET',
      url,
      headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
      ...(body === undefined ? {} : { payload: body }),
    });

  const expectFrenchRefusal = (response: LightMyRequestResponse, what: string) => {
    expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
    if (response.statusCode < 400) return;
    if (String(response.headers['content-type']).startsWith('application/json')) {
      const { error } = response.json<{ error: { code: string; message: string } }>();
      expect(error.code, what).toEqual(expect.any(String));
      expect(error.message, `${what}: ${error.message}`).toMatch(FRENCH);
      expect(error.message, `${what}: ${error.message}`).not.toMatch(ENGLISH);
    }
  };

  it('refuses a hostile path parameter of every route with a French 400 naming it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations.filter((op) => op.params.length > 0)),
        fc.nat(),
        hostileText,
        async (op, which, text) => {
          const target = op.params[which % op.params.length]!;
          const url = op.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
            name === target ? encodeParam(text) : realParam(op.path, name),
          );
          const response = await send(op, url, admin, op.bodyType ? '{}' : undefined, op.bodyType);
          const what = `${op.method} ${op.path} {${target}}`;
          expectFrenchRefusal(response, what);
          // Where the parameter is followed by a suffix (`{slug}.ics`), the router may find no route at all.
          const status = response.statusCode === 404 && op.path.includes('}.') ? 404 : 400;
          expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBe(status);
          if (status === 400 && String(response.headers['content-type']).startsWith('application/json')) {
            const { error } = response.json<{ error: { code: string; field?: string } }>();
            // A lone surrogate cannot be UTF-8: the router refuses the URL before any route sees it.
            if (error.code !== 'FST_ERR_BAD_URL') expect(error.field, what).toBe(target);
          }
        },
      ),
      { numRuns: 150, seed: SEED },
    );
  });

  it('answers every body of hostile text, deep JSON or a huge string with a 4xx in French, never a 5xx', async () => {
    const withBody = operations.filter((op) => op.bodyType);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody),
        fc.oneof(
          { arbitrary: hostileText.map((text) => ({ kind: 'text' as const, text })), weight: 6 },
          { arbitrary: deepJson.map((text) => ({ kind: 'deep' as const, text })), weight: 1 },
          // Built when sent: a counterexample stays readable.
          { arbitrary: fc.constant({ kind: 'huge' as const, text: '' }), weight: 1 },
        ),
        fc.nat(),
        fc.boolean(),
        async (op, hostile, which, asAdmin) => {
          const field = op.properties.length ? op.properties[which % op.properties.length]! : 'texte';
          const url = op.path.replace(/\{(\w+)\}/g, (_match, name: string) => realParam(op.path, name));
          const body = bodyFor(op.bodyType!, field, hostile);
          const response = await send(op, url, asAdmin ? admin : cooperator, body, op.bodyType);
          const what = `${op.method} ${op.path} ${field}=${hostile.kind}`;
          expectFrenchRefusal(response, what);
          expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
          const json = String(response.headers['content-type']).startsWith('application/json');
          if (hostile.kind === 'text' && response.statusCode === 400 && json && op.bodyType === 'application/json') {
            const { error } = response.json<{
              error: { code: string; fields?: { field: string; message: string }[] };
            }>();
            // The refused text is named, unless the body was refused before its fields were read: as a
            // whole (not an object, no such step), or for fields it lacks, checked in an earlier step.
            const named = error.fields?.some((issue) => issue.field === field || issue.field.startsWith(`${field}.`));
            const before = error.fields?.every((issue) => issue.field === '' || /obligatoire/.test(issue.message));
            if (error.code === 'INVALID_INPUT' && error.fields?.length) {
              expect(named || before, `${what}: ${response.body.slice(0, 300)}`).toBe(true);
            }
          }
        },
      ),
      { numRuns: 250, seed: SEED },
    );
  });

  it('answers every GET route given hostile query parameters with a French 4xx or its page, never a 5xx', async () => {
    const reads = operations.filter((op) => op.method === 'GET');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...reads),
        fc.constantFrom('convention', 'status', 'token', 'mois', 'page', 'download', 'since'),
        hostileText,
        async (op, name, text) => {
          const path = op.path.replace(/\{(\w+)\}/g, (_match, param: string) => realParam(op.path, param));
          const query = new URLSearchParams({ [name]: text.replace(/\p{Cs}/gu, '\u0000') }).toString();
          expectFrenchRefusal(await send(op, `${path}?${query}`, admin), `${op.method} ${op.path}?${name}`);
        },
      ),
      { numRuns: 150, seed: SEED },
    );
  });

  it('leaves no workflow mid-step: the fiche and the meeting hit take their next valid step', async () => {
    const fiche = `/api/fiches/${real.ficheId!}`;
    const edited = await app.inject({
      method: 'PATCH',
      url: `${fiche}/content`,
      ...jsonAs(cooperator, { title: 'Ludothèque itinérante, revue' }),
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const submitted = await app.inject({ method: 'POST', url: `${fiche}/actions/submit`, ...jsonAs(cooperator, {}) });
    expect(submitted.statusCode, submitted.body).toBe(200);

    const meeting = await app.inject({ method: 'GET', url: `/api/meetings/${real.meetingId!}`, headers: cooperator });
    const { startsAt, endsAt } = meeting.json<{ startsAt: string; endsAt: string }>();
    const later = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
    const moved = await app.inject({
      method: 'POST',
      url: `/api/meetings/${real.meetingId!}/reschedule`,
      ...jsonAs(cooperator, { startsAt: later(startsAt), endsAt: later(endsAt), reason: 'Salle\toccupée\nle matin' }),
    });
    expect(moved.statusCode, moved.body).toBe(200);
  });

  it('answers every CLI verb given hostile text with a refusal or a usage error, never « unavailable »', async () => {
    const verbs = Object.entries(COMMANDS).filter(
      ([, command]) => (command.positionals?.length ?? 0) + Object.keys(command.options ?? {}).length > 0,
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...verbs), cliText, async ([name, command], text) => {
        const stringOptions = Object.entries(command.options ?? {}).filter(([, option]) => option.type === 'string');
        const argv = [
          ...name.split(' '),
          ...(command.positionals ?? []).map(() => text),
          ...stringOptions.flatMap(([option]) => [`--${option}`, text]),
        ];
        const out = new PassThrough();
        const err = new PassThrough();
        const code = await runCli(
          argv,
          { CONCERTO_URL: baseUrl, CONCERTO_TOKEN: admin.authorization!.replace('Bearer ', '') },
          { stdout: out, stderr: err },
        );
        const said = String(err.read() ?? '');
        expect(code, `${name}: ${said}`).not.toBe(EXIT.unavailable);
        expect(code, `${name}: ${said}`).not.toBe(EXIT.ok);
        expect(said, name).toMatch(FRENCH);
      }),
      { numRuns: 60, seed: SEED },
    );
  });

  it('answers Fastify’s and Node’s own refusals in French, in the API’s error shape', async () => {
    const cases: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
      ['long param', () => app.inject({ method: 'GET', url: `/api/fiches/${'a'.repeat(3000)}`, headers: admin }), 414],
      ['bad encoding', () => app.inject({ method: 'GET', url: '/api/fiches/%E0%A4%A', headers: admin }), 400],
      ['no route', () => app.inject({ method: 'GET', url: '/api/nulle-part', headers: admin }), 404],
      [
        'bad JSON',
        () => app.inject({ method: 'POST', url: '/api/fiches', ...withRaw(admin, 'application/json', '{"title":') }),
        400,
      ],
      [
        'deep JSON',
        () => app.inject({ method: 'POST', url: '/api/fiches', ...withRaw(admin, 'application/json', deep(40)) }),
        400,
      ],
      [
        'body too large',
        () =>
          app.inject({
            method: 'POST',
            url: '/api/fiches',
            ...withRaw(admin, 'application/json', JSON.stringify({ title: 'x'.repeat(1_100_000) })),
          }),
        413,
      ],
      [
        'media type',
        () => app.inject({ method: 'POST', url: '/api/fiches', ...withRaw(admin, 'application/xml', '<a/>') }),
        415,
      ],
    ];
    for (const [what, request, status] of cases) {
      const response = await request();
      expect(response.statusCode, `${what}: ${response.body.slice(0, 200)}`).toBe(status);
      const { error } = response.json<{ error: { code: string; message: string } }>();
      expect(error.message, what).toMatch(FRENCH);
      expect(error.message, what).not.toMatch(ENGLISH);
    }
    expect(
      (
        await app.inject({ method: 'POST', url: '/api/fiches', ...withRaw(admin, 'application/json', deep(40)) })
      ).json(),
    ).toMatchObject({ error: { code: 'JSON_TOO_DEEP', message: expect.stringContaining('32 niveaux') } });

    // Before Fastify: Node's HTTP parser refuses headers beyond its limit, and a request that is no HTTP.
    const tooLong = await fetch(`${baseUrl}/api/fiches`, { headers: { ...admin, 'x-long': 'a'.repeat(20_000) } });
    expect(tooLong.status).toBe(431);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(FRENCH);
    const garbage = await rawRequest(baseUrl, 'HELLO\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toContain('La requête HTTP est mal formée.');
  });
});

/** The top-level property names of a body's JSON Schema (`allOf` merged). */
function propertiesOf(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const { properties, allOf } = schema as { properties?: Record<string, unknown>; allOf?: unknown[] };
  return [...new Set([...Object.keys(properties ?? {}), ...(allOf ?? []).flatMap(propertiesOf)])];
}

/** A body that carries the hostile value in `field`, in the route's content type. */
function bodyFor(type: string, field: string, hostile: { kind: 'text' | 'deep' | 'huge'; text: string }): string {
  const text = hostile.kind === 'huge' ? 'x'.repeat(200_000) : hostile.text;
  if (type === 'application/json') {
    return hostile.kind === 'deep' ? `{"${field}":${text}}` : JSON.stringify({ [field]: text });
  }
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams({ [field]: text }).toString();
  // text/csv and the like: the hostile text as a line of cells.
  return `email;instance;role\n${text};${text};membre\n`;
}

/** A path parameter percent-encoded as a browser would, lone surrogates as the bytes of their code point. */
function encodeParam(text: string): string {
  return [...text]
    .map((char) => {
      const code = char.codePointAt(0)!;
      if (code < 0xd800 || code > 0xdfff) return encodeURIComponent(char);
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}

function deep(depth: number): string {
  return `{"title":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

function withRaw(auth: AuthHeaders, type: string, payload: string) {
  return { headers: { ...auth, 'content-type': type }, payload };
}

/** Sends raw bytes to the server and gives back what it answers before closing. */
function rawRequest(baseUrl: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}
