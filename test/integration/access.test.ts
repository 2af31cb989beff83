import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import { SESSION_COOKIE } from '../../server/plugins/auth.js';
import type { SignInLimits } from '../../domain/sign-in-limits.js';
import type { Database } from '../../store/database/open-database.js';
import { signInLink, signLink } from '../../infra/links/signed-links.js';
import { createApiToken } from '../../store/access/api-tokens.js';
import { readFile } from 'node:fs/promises';
import { DEMO_PEOPLE } from '../../store/conventions/demo-people.js';
import { findActor } from '../../store/access/find-actor.js';
import { DEMO_SETUP_PATH, loadDemo } from '../../store/conventions/load-demo.js';
import { jsonAs, signIn, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// Signing in by a link sent through a real SMTP server, sessions, CSRF and API tokens, through the
// real HTTP app (fastify inject) over PostgreSQL.

const PERSON = 'directrice.education@example.org';
const OTHER = 'assistante.education@example.org';
const pick = (headers: Record<string, unknown>) => ({
  'cache-control': headers['cache-control'],
  'x-content-type-options': headers['x-content-type-options'],
});
const shiftDay = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('access: sign-in by link, sessions, CSRF, API tokens', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let sink: SmtpSink;
  let app: FastifyInstance;
  const transport = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });

  const build = (publicUrl: string, limits?: SignInLimits, trustProxy?: number) => {
    const mailer = transport();
    return buildHttpApp({
      ...(trustProxy === undefined ? {} : { trustProxy }),
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: 'unused',
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl },
      signIn: {
        sendMail: (message) => mailer.sendMail({ from: 'Concerto <concerto@example.org>', ...message }),
        ...(limits ? { limits } : {}),
      },
    });
  };

  beforeAll(async () => {
    [env, db, sink] = await Promise.all([devServerEnv(), openTestDatabase('postgres'), new SmtpSink().start()]);
    await loadDemo(db.prisma);
    app = build(TEST_LINKS.publicUrl);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  it(
    'derives for the demo people the roles they act in, ' + 'and the coopérateur role for the 13 coopérateurs only',
    async () => {
      const { id: conventionId } = await db.prisma.convention.findFirstOrThrow({ select: { id: true } });
      for (const [name, { email, appRole }] of Object.entries(DEMO_PEOPLE)) {
        expect({ name, appRole: (await findActor(db.prisma, conventionId, { email })).appRole }).toEqual({
          name,
          appRole,
        });
      }
      const setup = JSON.parse(await readFile(DEMO_SETUP_PATH, 'utf8')) as {
        people: Array<{ email: string; title?: string }>;
      };
      const derived = await Promise.all(
        setup.people.map(
          async (p) => [p, (await findActor(db.prisma, conventionId, { email: p.email })).appRole] as const,
        ),
      );
      const cooperateurs = derived
        .filter(([, role]) => role === 'cooperateur')
        .map(([p]) => p.email)
        .sort();
      expect(cooperateurs).toEqual(
        setup.people
          .filter((p) => p.title === 'Coopérateur CTG')
          .map((p) => p.email)
          .sort(),
      );
      expect(cooperateurs).toHaveLength(13);
    },
  );

  /** The sign-in link the sink received for `email`, as a path. */
  const linkMailedTo = async (email: string, after: number) => {
    const mail = await eventually(
      async () => sink.accepted.slice(after).find((m) => m.to.includes(email)),
      `the sign-in mail to ${email}`,
    );
    expect(mail.subject).toBe('Votre lien de connexion à Concerto');
    const link = /(\S+\/auth\/link\/\S+)/.exec(mail.parsed.text ?? '')?.[1];
    expect(link?.startsWith(`${TEST_LINKS.publicUrl}/auth/link/`)).toBe(true);
    expect(mail.parsed.html).toContain(`href="${link}"`);
    return new URL(link!).pathname;
  };

  it(
    'mails a single-use link that a button confirms, answers ' + 'alike for unknown addresses, and signs out for good',
    async () => {
      const before = sink.accepted.length;
      const unknown = await app.inject({
        method: 'POST',
        url: '/auth/sign-in',
        ...json({ email: 'personne@example.org' }),
      });
      const known = await app.inject({
        method: 'POST',
        url: '/auth/sign-in',
        ...json({ email: PERSON.toUpperCase() }),
      });
      expect([unknown.statusCode, known.statusCode]).toEqual([202, 202]);
      expect(unknown.body).toBe(known.body);

      const bad = await app.inject({ method: 'POST', url: '/auth/sign-in', ...json({ email: 'pas une adresse' }) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        error: { code: 'INVALID_INPUT', fields: [{ field: 'email', message: expect.any(String) }] },
      });

      const path = await linkMailedTo(PERSON, before);
      expect(sink.accepted.slice(before).map((m) => m.to)).toEqual([[PERSON]]);

      // Opening the link (as a mail scanner does) shows a button and signs nobody in.
      const page = await app.inject({ method: 'GET', url: path });
      expect(page.statusCode).toBe(200);
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.body).toContain('<form method="post"><button type="submit">Me connecter</button></form>');
      expect(page.body).toContain(PERSON);

      const confirmed = await app.inject({ method: 'POST', url: path });
      expect(confirmed.statusCode).toBe(303);
      expect(confirmed.headers.location).toBe('/');
      const setCookie = String(confirmed.headers['set-cookie']);
      expect(setCookie).toMatch(
        new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000$`),
      );
      const cookie = setCookie.split(';')[0]!;
      const session = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
      expect(session.statusCode).toBe(200);
      expect(session.json()).toMatchObject({
        viewer: { email: PERSON, admin: false, via: 'session' },
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      // The store keeps a hash of the cookie's secret, never the secret.
      const rows = await db.prisma.session.findMany({ select: { id: true } });
      expect(rows.some((row) => cookie.includes(row.id))).toBe(false);

      const again = await app.inject({ method: 'POST', url: path });
      expect(again.statusCode).toBe(409);
      const signIns = await db.prisma.auditEvent.findMany({
        where: { subject: `person:${PERSON}`, action: { startsWith: 'signin' } },
        orderBy: { createdAt: 'asc' },
      });
      expect(signIns.map((l) => [l.actor, l.action, (l.details as { reason?: string }).reason])).toEqual([
        [PERSON, 'signin', undefined],
        [PERSON, 'signin.refused', 'LINK_ALREADY_USED'],
      ]);
      expect(again.body).toMatch(/Lien déjà utilisé/);
      expect(again.headers['set-cookie']).toBeUndefined();

      const expired = signInLink({
        publicUrl: '',
        secret: TEST_LINKS.secret,
        email: PERSON,
        now: new Date(Date.now() - 3_600_000),
      });
      expect((await app.inject({ method: 'POST', url: expired })).statusCode).toBe(410);
      const rsvp = signLink(
        { purpose: 'rsvp', subject: 'x', email: PERSON, answer: 'ACCEPTED', expiresAt: new Date(Date.now() + 60_000) },
        TEST_LINKS.secret,
      );
      expect((await app.inject({ method: 'POST', url: `/auth/link/${rsvp}` })).statusCode).toBe(400);

      const csrfToken = session.json<{ csrfToken: string }>().csrfToken;
      const withoutToken = await app.inject({ method: 'POST', url: '/auth/sign-out', headers: { cookie } });
      expect(withoutToken.statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } })).statusCode).toBe(200);
      const signedOut = await app.inject({
        method: 'POST',
        url: '/auth/sign-out',
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      expect(signedOut.statusCode).toBe(204);
      expect(String(signedOut.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
      // The cookie a copy of which was kept signs nobody in any more.
      expect((await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } })).statusCode).toBe(401);
      // An expired session is swept when another opens.
      const stale = await db.prisma.session.create({
        data: {
          id: 'expiree',
          personId: (await db.prisma.person.findUniqueOrThrow({ where: { email: PERSON } })).id,
          expiresAt: new Date(Date.now() - 1000),
        },
      });
      await signIn(app, db.prisma, OTHER);
      expect(await db.prisma.session.findUnique({ where: { id: stale.id } })).toBeNull();
    },
  );

  it('marks the cookie Secure when the pages are served over https, and takes the address from a form', async () => {
    const secure = build('https://concerto.example.org');
    try {
      const before = sink.accepted.length;
      const asked = await secure.inject({
        method: 'POST',
        url: '/auth/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=${encodeURIComponent(OTHER)}`,
      });
      expect(asked.statusCode).toBe(202);
      expect(asked.headers['content-type']).toMatch(/^text\/html/);
      expect(asked.body).toMatch(/Vérifiez votre messagerie/);
      const mail = await eventually(
        async () => sink.accepted.slice(before).find((m) => m.to.includes(OTHER)),
        'the sign-in mail',
      );
      const path = new URL(/(\S+\/auth\/link\/\S+)/.exec(mail.parsed.text ?? '')![1]!).pathname;
      const confirmed = await secure.inject({ method: 'POST', url: path });
      expect(confirmed.statusCode).toBe(303);
      expect(String(confirmed.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    } finally {
      await secure.close();
    }
  });

  it(
    'limits sign-in links per address, per IP and overall in the database (429 in French, Retry-After), ' +
      'across a restart or a second process, and audits what it refuses',
    async () => {
      await db.prisma.signInAttempt.deleteMany();
      const limits: SignInLimits = { windowMinutes: 15, perAddress: 2, perIp: 3, overall: 6 };
      const [first, second] = [build(TEST_LINKS.publicUrl, limits), build(TEST_LINKS.publicUrl, limits)];
      try {
        const ask = (app: FastifyInstance, email: string, ip: string) =>
          app.inject({ method: 'POST', url: '/auth/sign-in', remoteAddress: ip, ...json({ email }) });
        const address = 'chef-service.enfance-jeunesse@example.org';
        const before = sink.accepted.length;
        expect((await ask(first, address, '10.0.0.1')).statusCode).toBe(202);
        expect((await ask(first, address, '10.0.0.1')).statusCode).toBe(202);
        const over = await ask(first, address, '10.0.0.1');
        expect(over.statusCode).toBe(429);
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(890);
        expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(900);
        expect(over.json()).toMatchObject({
          error: {
            code: 'TOO_MANY_REQUESTS',
            message: expect.stringMatching(/^Trop de liens .* cette adresse : réessayez dans 15 minutes/),
          },
        });
        // Another process on the same database (or the same one restarted) counts them too.
        expect((await ask(second, address, '10.0.0.9')).statusCode).toBe(429);
        await eventually(
          async () => sink.accepted.slice(before).filter((m) => m.to.includes(address)).length === 2,
          'the two mails',
        );

        for (const n of [1, 2, 3])
          expect((await ask(second, `inconnu${n}@example.org`, '10.0.0.2')).statusCode).toBe(202);
        const network = await ask(first, 'inconnu4@example.org', '10.0.0.2');
        expect(network.statusCode).toBe(429);
        expect(network.json()).toMatchObject({ error: { message: expect.stringMatching(/depuis votre réseau/) } });

        expect((await ask(first, 'autre1@example.org', '10.0.0.3')).statusCode).toBe(202);
        const everyone = await second.inject({
          method: 'POST',
          url: '/auth/sign-in',
          remoteAddress: '10.0.0.4',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'email=autre2%40example.org',
        });
        expect(everyone.statusCode).toBe(429);
        expect(everyone.headers['content-type']).toMatch(/^text\/html/);
        expect(everyone.headers['retry-after']).toMatch(/^\d+$/);
        expect(everyone.body).toMatch(/Trop de demandes de connexion en ce moment/);

        const limited = await db.prisma.auditEvent.findMany({ where: { action: 'signin.limited' } });
        expect(limited.map((l) => [l.subject, (l.details as { limit: string }).limit]).sort()).toEqual([
          ['person:autre2@example.org', 'overall'],
          [`person:${address}`, 'address'],
          [`person:${address}`, 'address'],
          ['person:inconnu4@example.org', 'ip'],
        ]);
      } finally {
        await Promise.all([first.close(), second.close()]);
        await db.prisma.signInAttempt.deleteMany();
      }
    },
  );

  it('counts sign-ins by the client address X-Forwarded-For gives only behind a trusted proxy', async () => {
    await db.prisma.signInAttempt.deleteMany();
    const [direct, proxied] = [build(TEST_LINKS.publicUrl), build(TEST_LINKS.publicUrl, undefined, 1)];
    try {
      const ask = (app: FastifyInstance, email: string) =>
        app.inject({
          method: 'POST',
          url: '/auth/sign-in',
          remoteAddress: '10.0.0.250',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
          payload: JSON.stringify({ email }),
        });
      expect((await ask(direct, 'direct@example.org')).statusCode).toBe(202);
      expect((await ask(proxied, 'proxied@example.org')).statusCode).toBe(202);
      const attempts = await db.prisma.signInAttempt.findMany({ orderBy: { email: 'asc' } });
      expect(attempts.map((a) => [a.email, a.ip])).toEqual([
        ['direct@example.org', '10.0.0.250'],
        ['proxied@example.org', '203.0.113.7'],
      ]);
    } finally {
      await Promise.all([direct.close(), proxied.close()]);
      await db.prisma.signInAttempt.deleteMany();
    }
  });

  it(
    'refuses an unsafe request signed in by cookie without ' + 'its session’s CSRF token; bearer tokens need none',
    async () => {
      const mine = await signIn(app, db.prisma, PERSON);
      const theirs = await signIn(app, db.prisma, OTHER);
      const create = (headers: AuthHeaders, body: unknown = { label: 'script' }) =>
        app.inject({ method: 'POST', url: '/api/tokens', ...jsonAs(headers, body) });

      const cases: Array<[string, AuthHeaders, unknown, number]> = [
        ['no token', { cookie: mine.cookie! }, { label: 'script' }, 403],
        ['a wrong token', { cookie: mine.cookie!, 'x-csrf-token': 'x'.repeat(43) }, { label: 'script' }, 403],
        [
          'another session’s token',
          { cookie: mine.cookie!, 'x-csrf-token': theirs['x-csrf-token']! },
          { label: 'script' },
          403,
        ],
        ['the header', mine, { label: 'script' }, 201],
        ['the form field', { cookie: mine.cookie! }, { label: 'script', _csrf: mine['x-csrf-token'] }, 201],
      ];
      for (const [name, headers, body, status] of cases) {
        const response = await create(headers, body);
        expect({ name, status: response.statusCode }).toEqual({ name, status });
        if (status === 403) expect(response.json()).toMatchObject({ error: { code: 'CSRF_TOKEN_INVALID' } });
      }
      // A safe request needs none.
      expect(
        (await app.inject({ method: 'GET', url: '/api/tokens', headers: { cookie: mine.cookie! } })).statusCode,
      ).toBe(200);
      // A bearer needs no CSRF token (but a token mints no token: refused for that, not for CSRF).
      expect((await create(await tokenFor(db.prisma, PERSON))).json()).toMatchObject({
        error: { code: 'ROLE_NOT_ALLOWED', message: expect.stringMatching(/^Un jeton d’API ne peut pas créer/) },
      });
    },
  );

  it(
    'refuses an unsafe request from another site by Sec-Fetch-Site, Origin or Referer, ' +
      'the sign-in link’s included; a program’s Bearer request passes',
    async () => {
      const session = await signIn(app, db.prisma, PERSON);
      const post = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/api/tokens', ...jsonAs({ ...session, ...headers }, { label: 'o' }) });
      const cases: Array<[string, Record<string, string>, number]> = [
        ['another Origin', { origin: 'https://malveillant.example' }, 403],
        ['Origin null', { origin: 'null' }, 403],
        ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }, 403],
        ['a same-site fetch', { 'sec-fetch-site': 'same-site' }, 403],
        ['another site’s Referer', { referer: 'https://malveillant.example/page' }, 403],
        ['the public origin', { origin: new URL(TEST_LINKS.publicUrl).origin }, 201],
        ['the host it was sent to', { origin: 'http://localhost:80' }, 201],
        ['a same-origin fetch', { 'sec-fetch-site': 'same-origin' }, 201],
        ['a no-referrer page’s form', { origin: 'null', 'sec-fetch-site': 'same-origin' }, 201],
        ['no browser header', {}, 201],
      ];
      for (const [name, headers, status] of cases) {
        const response = await post(headers);
        expect({ name, status: response.statusCode }).toEqual({ name, status });
        if (status === 403) {
          expect(response.json()).toMatchObject({
            error: { code: 'ORIGIN_REFUSED', message: expect.stringMatching(/autre site/) },
          });
        }
      }

      // Login CSRF: another site's form cannot sign the visitor in with the forger's link.
      const link = signInLink({ publicUrl: '', secret: TEST_LINKS.secret, email: OTHER, now: new Date() });
      const forged = await app.inject({
        method: 'POST',
        url: link,
        headers: { origin: 'https://malveillant.example' },
      });
      expect(forged.statusCode).toBe(403);
      expect(forged.headers['set-cookie']).toBeUndefined();
      // The link was not consumed: from Concerto's own page it still signs in.
      const own = await app.inject({ method: 'POST', url: link, headers: { 'sec-fetch-site': 'same-origin' } });
      expect(own.statusCode).toBe(303);

      // A program's request is exempt: it is no browser's, whatever it says.
      const bearer = await tokenFor(db.prisma, PERSON);
      const revoke = await app.inject({
        method: 'DELETE',
        url: '/api/tokens/inconnu',
        headers: { ...bearer, origin: 'https://malveillant.example' },
      });
      expect(revoke.statusCode).toBe(404);
    },
  );

  it('answers the API with no-store and nosniff, and pages with nosniff', async () => {
    const session = await signIn(app, db.prisma, PERSON);
    for (const url of ['/api/conventions', '/api/tokens', '/auth/session']) {
      const response = await app.inject({ method: 'GET', url, headers: session });
      expect({ url, status: response.statusCode, ...pick(response.headers) }).toEqual({
        url,
        status: 200,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    }
    const refused = await app.inject({ method: 'GET', url: '/api/conventions' });
    expect(pick(refused.headers)).toEqual({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    const page = await app.inject({ method: 'GET', url: '/connexion' });
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it(
    'lets admins only mint tokens for others, for a year at most (90 days by default), ' +
      'and writes each creation and revocation in the audit log',
    async () => {
      const admin = 'admin.jetons@example.org';
      await db.prisma.person.create({ data: { email: admin, displayName: 'Admin', admin: true } });
      const [asAdmin, asPerson] = [await signIn(app, db.prisma, admin), await signIn(app, db.prisma, PERSON)];
      const mint = (as: AuthHeaders, body: Record<string, unknown>) =>
        app.inject({ method: 'POST', url: '/api/tokens', ...jsonAs(as, { label: 'script', ...body }) });

      const forever = await mint(asPerson, { expiresAt: '9999-12-31T00:00:00Z' });
      expect(forever.statusCode).toBe(400);
      expect(forever.json()).toMatchObject({
        error: { field: 'expiresAt', message: expect.stringMatching(/trop lointain.*365 jours/) },
      });
      const byDefault = await mint(asPerson, {});
      expect(byDefault.statusCode).toBe(201);
      const days = (Date.parse(byDefault.json<{ expiresAt: string }>().expiresAt) - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(90);

      const forOther = await mint(asPerson, { person: OTHER });
      expect(forOther.statusCode).toBe(403);
      expect(forOther.json()).toMatchObject({ error: { message: expect.stringMatching(/administrateur/) } });
      expect((await mint(asAdmin, { person: 'inconnu@example.org' })).statusCode).toBe(404);
      const made = await mint(asAdmin, { person: OTHER.toUpperCase(), label: 'pour l’assistante' });
      expect(made.statusCode).toBe(201);
      const { token, id } = made.json<{ token: string; id: string }>();
      const session = await app.inject({
        method: 'GET',
        url: '/auth/session',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(session.json()).toMatchObject({ viewer: { email: OTHER } });

      const asOther = await signIn(app, db.prisma, OTHER);
      expect((await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: asOther })).statusCode).toBe(204);
      const lines = await db.prisma.auditEvent.findMany({
        where: { action: { in: ['token.create', 'token.revoke'] }, subject: `person:${OTHER}` },
        orderBy: { createdAt: 'asc' },
      });
      expect(lines.map((l) => [l.actor, l.action, (l.details as { tokenId: string }).tokenId])).toEqual([
        [admin, 'token.create', id],
        [OTHER, 'token.revoke', id],
      ]);
    },
  );

  it('creates an API token shown once, lists it without its secret, and revokes it for good', async () => {
    const session = await signIn(app, db.prisma, OTHER);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      ...jsonAs(session, { label: '', expiresAt: 'demain' }),
    });
    expect(refused.statusCode).toBe(400);
    expect(
      refused
        .json<{ error: { fields: Array<{ field: string }> } }>()
        .error.fields.map((f) => f.field)
        .sort(),
    ).toEqual(['expiresAt', 'label']);
    const past = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      ...jsonAs(session, { label: 'vieux', expiresAt: '2020-01-01T00:00:00Z' }),
    });
    expect(past.statusCode).toBe(400);

    const inAMonth = new Date(Date.now() + 30 * 86_400_000);
    inAMonth.setUTCHours(23, 0, 0, 0);
    const nextDay = inAMonth.toISOString().slice(0, 10);
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      ...jsonAs(session, { label: 'Export nocturne', expiresAt: `${shiftDay(nextDay, 1)}T00:00:00+01:00` }),
    });
    expect(created.statusCode).toBe(201);
    const token = created.json<{ id: string; token: string; label: string; expiresAt: string }>();
    expect(token).toMatchObject({
      label: 'Export nocturne',
      expiresAt: inAMonth.toISOString(),
      token: expect.stringMatching(/^cct_[A-Za-z0-9_-]{43}$/),
    });
    const bearer = { authorization: `Bearer ${token.token}` };

    const listed = await app.inject({ method: 'GET', url: '/api/tokens', headers: bearer });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(token.token);
    expect(
      listed.json<{ tokens: Array<{ id: string; lastUsedAt: string | null }> }>().tokens.find((t) => t.id === token.id)
        ?.lastUsedAt,
    ).toEqual(expect.any(String));
    expect((await app.inject({ method: 'GET', url: '/auth/session', headers: bearer })).json()).toMatchObject({
      viewer: { email: OTHER, via: 'token' },
      csrfToken: null,
    });

    // Someone else cannot revoke it.
    const stranger = await tokenFor(db.prisma, PERSON);
    expect((await app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: stranger })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: 'GET', url: '/api/tokens', headers: bearer })).statusCode).toBe(200);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: session });
    expect(revoked.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/tokens', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.headers['www-authenticate']).toBe('Bearer realm="concerto"');
    expect(after.json()).toMatchObject({
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/révoqué/) },
    });
    expect((await app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: session })).statusCode).toBe(
      404,
    );

    // An expired token signs nobody in.
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: OTHER } });
    const old = await createApiToken(db.prisma, {
      personId: person.id,
      label: 'expiré',
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(
      (await app.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${old.token}` } }))
        .statusCode,
    ).toBe(401);
  });
});
