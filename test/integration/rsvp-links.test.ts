import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import { createRsvpSignaller } from '../../client/signal-rsvp.js';
import type { Database } from '../../store/database/open-database.js';
import { rsvpLinks, signLink } from '../../infra/links/signed-links.js';
import type { RsvpRecorded } from '../../store/meetings/record-rsvp.js';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/database.js';
import { createTestMeeting } from '../helpers/meeting.js';
import { devServerEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';

const SECRET = 'rsvp-links-test-secret-0123456789-abcdefghij';
const PUBLIC_URL = 'https://concerto.example.org';
const IN_A_MONTH = new Date(Date.now() + 30 * 86_400_000);

/** The path of a link, as a browser would request it from the app. */
const pathOf = (url: string) => new URL(url).pathname;
/** What a browser sends when the confirmation form is submitted. */
const formPost = { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' };

describe.each(DATABASE_KINDS)('answer links (%s)', (kind) => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  const told: RsvpRecorded[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase(kind);
    // The app's own signaller: these meetings have no workflow, which it must take in its stride.
    const signal = createRsvpSignaller(env.client, (line) => logged.push(line));
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: uniqueTaskQueue('rsvp'),
      probes: { temporal: async () => {}, database: () => db.ping() },
      rsvp: {
        secret: SECRET,
        publicUrl: PUBLIC_URL,
        onRsvp: async (rsvp) => {
          await signal(rsvp);
          told.push(rsvp);
        },
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await env?.teardown();
  });

  const invitation = (meetingId: string, email: string) =>
    db.prisma.invitation.findFirstOrThrow({ where: { meetingId, person: { email } } });

  it('shows the meeting and the answer on GET, with a confirm form, and records nothing', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const links = rsvpLinks({
      publicUrl: PUBLIC_URL,
      secret: SECRET,
      meetingId: meeting.id,
      email: emails[0]!,
      expiresAt: IN_A_MONTH,
    });

    const page = await app.inject({ method: 'GET', url: pathOf(links.accept) });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const html = page.body;
    expect(html).toContain('<html lang="fr">');
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<h1>Confirmer votre réponse</h1>');
    for (const text of [
      'COTECH de juin',
      'Comité technique (COTECH)',
      'mardi 16 juin 2026, de 14 h à 17 h (heure de Paris)',
      'Salle du conseil, Melle',
      'href="https://visio.example.org/cotech-juin" rel="noreferrer noopener"',
      '<form method="post">',
      'Confirmer : je participerai</button>',
      emails[0]!,
    ]) {
      expect(html).toContain(text);
    }
    // Self-contained: no script, image, style sheet or font from anywhere.
    expect(html).not.toMatch(/<script|<img|<link|src=|@import|url\(/i);

    // Opened three times (a mail scanner, then the person): still nothing recorded.
    await app.inject({ method: 'GET', url: pathOf(links.accept) });
    await app.inject({ method: 'GET', url: pathOf(links.decline) });
    expect(await invitation(meeting.id, emails[0]!)).toMatchObject({
      partstat: 'NEEDS-ACTION',
      respondedAt: null,
      rsvpSource: null,
    });
    expect(await db.prisma.usedLink.count({ where: { subject: meeting.id } })).toBe(0);
  });

  it(
    'records the answer on POST, in the invitation and the ledger’s ' +
      'latest rows, tells onRsvp, and offers the other answers',
    async () => {
      const { meeting, emails } = await createTestMeeting(db.prisma);
      const [elue, directrice] = emails as [string, string];
      const ledgerRow = (recipient: string, sequence: number) => ({
        idempotencyKey: `${meeting.id}:${recipient}:${sequence}`,
        recipient,
        subject: 'Convocation',
        messageId: `<${sequence}.${recipient}>`,
        status: 'sent',
        icalUid: meeting.icalUid,
        icalSequence: sequence,
        partstat: 'NEEDS-ACTION',
      });
      await db.prisma.notification.createMany({
        data: [ledgerRow(elue, 0), ledgerRow(`Élue <${elue.toUpperCase()}>`, 1), ledgerRow(directrice, 1)],
      });
      // The link names the person with other capitals than the database: addresses compare without case.
      const links = rsvpLinks({
        publicUrl: PUBLIC_URL,
        secret: SECRET,
        meetingId: meeting.id,
        email: elue.toUpperCase(),
        expiresAt: IN_A_MONTH,
      });

      const before = new Date();
      const page = await app.inject({ method: 'POST', url: pathOf(links.accept), ...formPost });
      expect(page.statusCode, page.body).toBe(200);
      expect(page.body).toContain('<h1>Réponse enregistrée</h1>');
      expect(page.body).toContain('Votre réponse : <strong>Je participerai</strong>');

      const row = await invitation(meeting.id, elue);
      expect(row).toMatchObject({ partstat: 'ACCEPTED', rsvpSource: 'link' });
      expect(
        (
          await db.prisma.auditEvent.findMany({ where: { subject: `meeting:${meeting.id}`, action: 'meeting.rsvp' } })
        ).map((l) => [l.actor, l.details]),
      ).toEqual([[elue, { partstat: 'ACCEPTED', source: 'link' }]]);
      expect(row.respondedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
      expect(await invitation(meeting.id, directrice)).toMatchObject({ partstat: 'NEEDS-ACTION' });
      const ledger = await db.prisma.notification.findMany({
        where: { icalUid: meeting.icalUid },
        orderBy: { idempotencyKey: 'asc' },
      });
      expect(Object.fromEntries(ledger.map((n) => [n.idempotencyKey, n.partstat]))).toEqual({
        [`${meeting.id}:${elue}:0`]: 'NEEDS-ACTION',
        [`${meeting.id}:Élue <${elue.toUpperCase()}>:1`]: 'ACCEPTED',
        [`${meeting.id}:${directrice}:1`]: 'NEEDS-ACTION',
      });
      expect(told.at(-1)).toMatchObject({ meetingId: meeting.id, email: elue, partstat: 'ACCEPTED', source: 'link' });
      expect(logged.at(-1)).toContain('workflow is not running');

      // Fresh links to change the answer: each asks for confirmation again.
      const changes = [
        ...page.body.matchAll(/<a href="(https:\/\/concerto\.example\.org\/rsvp\/[^"]+)">([^<]+)<\/a>/g),
      ];
      expect(changes.map((m) => m[2])).toEqual(['Je participerai peut-être', 'Je ne participerai pas']);
      const decline = pathOf(changes[1]![1]!);
      expect((await app.inject({ method: 'GET', url: decline })).statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: decline, ...formPost })).statusCode).toBe(200);
      expect(await invitation(meeting.id, elue)).toMatchObject({ partstat: 'DECLINED', rsvpSource: 'link' });
    },
  );

  it('refuses a link used before with a 409 page naming the answer it recorded', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const links = rsvpLinks({
      publicUrl: PUBLIC_URL,
      secret: SECRET,
      meetingId: meeting.id,
      email: emails[0]!,
      expiresAt: IN_A_MONTH,
    });
    expect((await app.inject({ method: 'POST', url: pathOf(links.tentative), ...formPost })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: pathOf(links.decline), ...formPost })).statusCode).toBe(200);

    for (const method of ['POST', 'GET'] as const) {
      const again = await app.inject({ method, url: pathOf(links.tentative), ...(method === 'POST' ? formPost : {}) });
      expect(again.statusCode, method).toBe(409);
      expect(again.body).toContain('<h1>Lien déjà utilisé</h1>');
      expect(again.body).toMatch(
        /Il a été utilisé le \S+ \d{1,2}(er)? \S+ \d{4}, \d{1,2} h( \d\d)?, pour répondre « Je participerai peut-être/,
      );
      expect(again.body).toContain('Votre réponse enregistrée aujourd’hui : « Je ne participerai pas »');
      expect(again.body).toContain('répondez depuis votre agenda');
    }
    expect(await invitation(meeting.id, emails[0]!)).toMatchObject({ partstat: 'DECLINED' });

    // Two confirmations of one link at once (a double click): one records, the other is refused.
    const twice = rsvpLinks({
      publicUrl: PUBLIC_URL,
      secret: SECRET,
      meetingId: meeting.id,
      email: emails[1]!,
      expiresAt: IN_A_MONTH,
    });
    const statuses = await Promise.all(
      [1, 2].map(() => app.inject({ method: 'POST', url: pathOf(twice.accept), ...formPost })),
    );
    expect(statuses.map((page) => page.statusCode).sort()).toEqual([200, 409]);
  });

  it('refuses an expired link with 410, and a forged or malformed one with 400, recording nothing', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    const sign = (overrides: { expiresAt?: Date; email?: string }, secret = SECRET) =>
      signLink(
        {
          purpose: 'rsvp',
          subject: meeting.id,
          email: emails[0]!,
          answer: 'ACCEPTED',
          expiresAt: IN_A_MONTH,
          ...overrides,
        },
        secret,
      );
    const expired = sign({ expiresAt: new Date(Date.now() - 60_000) });
    const genuine = sign({});
    const [body, mac] = genuine.split('.') as [string, string];
    const otherPerson = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), email: emails[1] }),
    ).toString('base64url');

    const cases: Array<[string, number, string]> = [
      [expired, 410, 'Lien expiré'],
      [`${otherPerson}.${mac}`, 400, 'Lien non valide'],
      [sign({}, 'someone-elses-secret-of-sufficient-length!!'), 400, 'Lien non valide'],
      [genuine.slice(0, 40), 400, 'Lien non valide'],
    ];
    for (const [token, status, title] of cases) {
      for (const method of ['GET', 'POST'] as const) {
        const page = await app.inject({ method, url: `/rsvp/${token}`, ...(method === 'POST' ? formPost : {}) });
        expect(page.statusCode, `${method} ${title}`).toBe(status);
        expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(page.body).toContain(`<h1>${title}</h1>`);
        expect(page.body).toContain('Demandez une nouvelle invitation au secrétariat');
      }
    }
    for (const email of emails) expect(await invitation(meeting.id, email)).toMatchObject({ partstat: 'NEEDS-ACTION' });
    expect(await db.prisma.usedLink.count({ where: { subject: meeting.id } })).toBe(0);
  });

  it(
    'answers 404 for a meeting that does not exist or a ' + 'person not invited, and 410 for a cancelled meeting',
    async () => {
      const { meeting } = await createTestMeeting(db.prisma);
      const cancelled = await createTestMeeting(db.prisma, { status: 'annulee' });
      const link = (meetingId: string, email: string) =>
        pathOf(rsvpLinks({ publicUrl: PUBLIC_URL, secret: SECRET, meetingId, email, expiresAt: IN_A_MONTH }).accept);

      const gone = await app.inject({ method: 'POST', url: link('no-such-meeting', 'a@example.org'), ...formPost });
      expect(gone.statusCode).toBe(404);
      expect(gone.body).toContain('<h1>Réunion introuvable</h1>');
      const stranger = await app.inject({ method: 'GET', url: link(meeting.id, 'inconnu@example.org') });
      expect(stranger.statusCode).toBe(404);
      expect(stranger.body).toContain('<h1>Invitation introuvable</h1>');
      const called = await app.inject({
        method: 'POST',
        url: link(cancelled.meeting.id, cancelled.emails[0]!),
        ...formPost,
      });
      expect(called.statusCode).toBe(410);
      expect(called.body).toContain('<h1>Réunion annulée</h1>');
      expect(await db.prisma.usedLink.count({ where: { subject: { in: [meeting.id, cancelled.meeting.id] } } })).toBe(
        0,
      );
    },
  );
});
