import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { atLocalTime, dateKey, shiftDate, toLocal } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { calendarWorkflowId } from '../../workflows/calendar-definitions.js';
import { jsonAs, tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// Every action of the HTTP API, by every role, through the real app, worker, dev server and
// PostgreSQL: the status each answers comes from the table below. The roles are derived from the
// demo people's seats (domain/access.ts); everyone signs in with an API token (the CSRF of cookie
// sessions has its own test, access.test.ts).
//
// Where a step creates something (a fiche, a meeting, a poll), each role that may acts on what it
// created itself, so the cells do not depend on one another; the others act on shared ones: a
// fiche awaiting the COTECH's avis, and one awaiting the COPIL (its avis recorded at a COTECH held
// a few seconds into the test). The lifecycle checks the stage before the role, so the steps of a
// validated fiche (Bureau, amendment, evaluation, closing) show the refusal of the stage (409) for
// everyone here; their role rules are covered by the lifecycle's unit tests and the fiche
// workflow's tests.

const ROLES = ['anonymous', 'membre', 'partenaire', 'secretaire', 'cooperateur', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** The demo people each role is, by their seats (and the admin flag). */
/** A person of the demo convention none of the roles below is: only an admin may make them a fiche's author. */
const OTHER_MEMBER = 'elu.referent-petite-enfance@example.org';
const PEOPLE: Record<Exclude<Role, 'anonymous'>, string> = {
  membre: 'direction.aide-domicile@example.org',
  partenaire: 'caf.action-sociale@example.org',
  secretaire: 'assistante.education@example.org',
  cooperateur: 'directrice.education@example.org',
  admin: 'admin@example.org',
};

const ZONE = 'Europe/Paris';
/**
 * How far ahead the COTECH that gives the shared fiche its avis starts: long enough for the fiche to join its
 * agenda.
 */
const NEAR_MEETING_MS = 10_000;
const CONVENTION = `/api/conventions/${DEMO_CONVENTION_SLUG}`;

describe('the role × action matrix of the HTTP API', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  const auth = {} as Record<Role, AuthHeaders>;
  /** What each role created, for the steps it then takes on it; `shared` for the roles that could not. */
  const own: Record<'fiche' | 'meeting' | 'poll', Partial<Record<Role | 'shared' | 'copil', string>>> = {
    fiche: {},
    meeting: {},
    poll: {},
  };
  /** The routes the matrix reached (`METHOD /url` as registered). */
  const reached = new Set<string>();

  const today = toLocal(new Date(), ZONE);
  const meetingDay = nextOpenDay(shiftDate(today, 3), null).date;
  const meetingTimes = (hour: number) => ({
    startsAt: atLocalTime(meetingDay, hour, 0, ZONE).toISOString(),
    endsAt: atLocalTime(meetingDay, hour + 2, 0, ZONE).toISOString(),
  });
  const pollDeadline = atLocalTime(nextOpenDay(shiftDate(today, 2), null).date, 12, 0, ZONE).toISOString();
  const pollDay = nextOpenDay(shiftDate(today, 10), null).date;
  const newPoll = {
    instance: 'cotech',
    title: 'COTECH à dater',
    deadline: pollDeadline,
    participants: [PEOPLE.partenaire],
    options: [
      { kind: 'journee', date: dateKey(pollDay) },
      { kind: 'journee', date: dateKey(nextOpenDay(shiftDate(pollDay, 1), null).date) },
    ],
  };

  const call = (role: Role, method: InjectOptions['method'], url: string, body?: unknown) =>
    app.inject({ method, url, ...(body === undefined ? { headers: auth[role] } : jsonAs(auth[role], body)) });
  /** The role's own fiche, meeting or poll, else the shared one. */
  const target = (kind: keyof typeof own, role: Role) => own[kind][role] ?? own[kind].shared!;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    stack = await startTestWorker(env, db, 'access-matrix');
    await loadDemo(db.prisma);
    await db.prisma.person.create({ data: { email: PEOPLE.admin, displayName: 'Admin', admin: true } });
    // Meetings of the COTECH convened at once, so that this test need not plan a week ahead.
    await db.prisma.instance.updateMany({ where: { slug: 'cotech' }, data: { convocationDelayDays: 0 } });
    auth.anonymous = {};
    for (const [role, email] of Object.entries(PEOPLE)) auth[role as Role] = await tokenFor(db.prisma, email);
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: stack.taskQueue,
      catcher: stack.catcher,
      probes: { temporal: async () => undefined, database: () => db.ping() },
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
      feeds: { organizerEmail: 'concerto@example.org' },
    });
    app.addHook('onResponse', async (request) => {
      if (request.routeOptions.url) reached.add(`${request.method} ${request.routeOptions.url}`);
    });

    // The shared objects, made by the admin: a fiche awaiting the COPIL, one awaiting the COTECH's
    // avis, a meeting, a poll, the calendar.
    const submitted = async (title: string) => {
      const { ficheId } = (
        await call('admin', 'POST', '/api/fiches', { title, authorEmail: PEOPLE.cooperateur })
      ).json<{ ficheId: string }>();
      await eventually(
        async () => db.prisma.ficheAction.findUnique({ where: { id: ficheId } }),
        `${title} in the store`,
      );
      expect((await call('admin', 'POST', `/api/fiches/${ficheId}/actions/submit`, {})).statusCode).toBe(200);
      return ficheId;
    };
    own.fiche.copil = await submitted('Fiche au COPIL');
    const startsAt = new Date(Date.now() + NEAR_MEETING_MS);
    const near = await call('admin', 'POST', '/api/meetings', {
      instance: 'cotech',
      title: 'COTECH imminent',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      // Moments ahead, whatever the day: a weekend or a public holiday is held by an override.
      override: { reason: 'Test : réunion imminente' },
    });
    expect(near.statusCode, near.body).toBe(201);
    await eventually(
      async () =>
        db.prisma.agendaItem.findFirst({
          where: { ficheId: own.fiche.copil!, meetingId: near.json<{ meetingId: string }>().meetingId },
        }),
      'the fiche on the COTECH’s agenda',
    );
    expect(Date.now(), 'the COTECH started before the fiche joined its agenda').toBeLessThan(startsAt.getTime());
    await sleep(startsAt.getTime() - Date.now() + 300);
    const avis = await call('secretaire', 'POST', `/api/fiches/${own.fiche.copil}/actions/recordAvis`, {
      outcome: 'favorable',
    });
    expect(avis.statusCode, avis.body).toBe(200);
    own.fiche.shared = await submitted('Fiche partagée');
    const meeting = await call('admin', 'POST', '/api/meetings', {
      instance: 'cotech',
      title: 'COTECH partagé',
      ...meetingTimes(9),
    });
    expect(meeting.statusCode, meeting.body).toBe(201);
    own.meeting.shared = meeting.json<{ meetingId: string }>().meetingId;
    const poll = await call('admin', 'POST', '/api/polls', newPoll);
    expect(poll.statusCode, poll.body).toBe(201);
    own.poll.shared = poll.json<{ pollId: string }>().pollId;
    expect((await call('admin', 'PUT', `${CONVENTION}/calendar/rules`, { rules: [] })).statusCode).toBe(201);
  }, 120_000);

  afterAll(async () => {
    const { id } = (await db?.prisma.convention.findFirst({ select: { id: true } })) ?? {};
    if (id)
      await env?.client.workflow
        .getHandle(calendarWorkflowId(id))
        .terminate('end of test')
        .catch(() => undefined);
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  type Cell = (role: Role) => Promise<{ statusCode: number; body: string; json: <T>() => T }>;
  const MATRIX: Array<{ route: string; name: string; cell: Cell; expected: Expected }> = [];
  /**
   * One row a request of the route `METHOD /url` (as registered): what the roles allowed by its
   * declared access get (the others get what {@link byAccess} says), or, for a `domain` route, the
   * statuses of each role in the order of ROLES.
   */
  const row = (route: string, cell: Cell, expected: Expected, note?: string) =>
    MATRIX.push({ route, name: note ? `${route} (${note})` : route, cell, expected });

  row('GET /healthz', (r) => call(r, 'GET', '/healthz'), 200);
  row('GET /api/openapi.json', (r) => call(r, 'GET', '/api/openapi.json'), 200);
  row('GET /auth/session', (r) => call(r, 'GET', '/auth/session'), 200);
  row('POST /api/tokens', (r) => call(r, 'POST', '/api/tokens', { label: 'matrice' }), 403, 'a token mints none');
  row('GET /api/tokens', (r) => call(r, 'GET', '/api/tokens'), 200);
  row('DELETE /api/tokens/:id', (r) => call(r, 'DELETE', '/api/tokens/inconnu'), 404, 'none such');
  row('GET /api/audit', (r) => call(r, 'GET', '/api/audit?since=2026-01-01&action=fiche'), 200);
  row('GET /api/audit.csv', (r) => call(r, 'GET', '/api/audit.csv?action=fiche'), 200);
  row('GET /api/admin/doctor', (r) => call(r, 'GET', '/api/admin/doctor'), 200);
  row('GET /api/conventions', (r) => call(r, 'GET', '/api/conventions'), 200);
  row('GET /api/conventions/:slug/setup', (r) => call(r, 'GET', `${CONVENTION}/setup`), 200);
  row('GET /api/conventions/:slug/members.csv', (r) => call(r, 'GET', `${CONVENTION}/members.csv`), 200);
  row('PUT /api/conventions/setup', (r) => call(r, 'PUT', '/api/conventions/setup', {}), 400, 'empty');
  row('PUT /api/conventions/:slug/running', (r) => call(r, 'PUT', `${CONVENTION}/running`, {}), 400, 'empty');
  row(
    'POST /api/conventions/:slug/members.csv',
    (r) =>
      app.inject({
        method: 'POST',
        url: `${CONVENTION}/members.csv`,
        headers: { ...auth[r], 'content-type': 'text/csv' },
        payload: 'pas;un;fichier',
      }),
    400,
    'bad',
  );
  row('GET /api/outbox', (r) => call(r, 'GET', '/api/outbox'), 200);
  row('GET /api/outbox/:file', (r) => call(r, 'GET', '/api/outbox/inconnu.eml'), 404, 'none such');
  row('GET /api/workflows', (r) => call(r, 'GET', '/api/workflows'), 200);
  row('GET /api/workflows/:id/timeline', (r) => call(r, 'GET', '/api/workflows/inconnu/timeline'), 404, 'none such');
  row('GET /api/jobs/:id', (r) => call(r, 'GET', '/api/jobs/inconnu'), 404, 'none such');

  // The web pages: a browser without a session is sent to the sign-in page (303).
  row('GET /connexion', (r) => call(r, 'GET', '/connexion'), 200);
  row('GET /assets/progress.js', (r) => call(r, 'GET', '/assets/progress.js'), 200);
  row('GET /assets/quorum.js', (r) => call(r, 'GET', '/assets/quorum.js'), 200);
  row('GET /assets/envoi-unique.js', (r) => call(r, 'GET', '/assets/envoi-unique.js'), 200);
  row('GET /', (r) => call(r, 'GET', '/'), 200, 'dashboard');
  row('GET /fiches/:id', (r) => call(r, 'GET', `/fiches/${own.fiche.shared}`), 200);
  row(
    'POST /fiches/:id/contenu',
    (r) => call(r, 'POST', '/fiches/inconnu/contenu', {}),
    [401, 404, 404, 404, 404, 404],
    'none such',
  );
  row(
    'POST /fiches/:id/etapes/:kind',
    (r) => call(r, 'POST', '/fiches/inconnu/etapes/submit', {}),
    [401, 404, 404, 404, 404, 404],
    'none such',
  );
  row('GET /reunions/:id', (r) => call(r, 'GET', `/reunions/${own.meeting.shared}`), 200);
  row('GET /calendrier', (r) => call(r, 'GET', '/calendrier'), 200);
  row('GET /sondages', (r) => call(r, 'GET', '/sondages'), 200);
  row('GET /sondages/:id', (r) => call(r, 'GET', `/sondages/${own.poll.shared}`), 200);
  row('GET /boite-d-envoi', (r) => call(r, 'GET', '/boite-d-envoi'), 200);
  row('GET /admin/processus', (r) => call(r, 'GET', '/admin/processus'), 200);
  row('GET /admin/processus/:id', (r) => call(r, 'GET', '/admin/processus/inconnu'), 404, 'none such');
  row('GET /admin/journal', (r) => call(r, 'GET', '/admin/journal'), 200);
  row('GET /admin/demo', (r) => call(r, 'GET', '/admin/demo'), 200);
  row('GET /admin/import', (r) => call(r, 'GET', '/admin/import'), 200);
  // No `setup` field: the admin is told what to paste.
  row('POST /admin/import', (r) => call(r, 'POST', '/admin/import', {}), 400, 'empty');
  row('POST /admin/import/apercu', (r) => call(r, 'POST', '/admin/import/apercu', {}), 400, 'empty');
  row('POST /admin/import/membres/apercu', (r) => call(r, 'POST', '/admin/import/membres/apercu', {}), 400, 'empty');
  row('POST /admin/import/membres', (r) => call(r, 'POST', '/admin/import/membres', {}), 400, 'empty');
  row('POST /admin/import/en-cours/apercu', (r) => call(r, 'POST', '/admin/import/en-cours/apercu', {}), 400, 'empty');
  row('POST /admin/import/en-cours', (r) => call(r, 'POST', '/admin/import/en-cours', {}), 400, 'empty');
  row('GET /compte', (r) => call(r, 'GET', '/compte'), 200);
  row('POST /compte/jetons', (r) => call(r, 'POST', '/compte/jetons', { label: 'matrice' }), 403, 'a token mints none');
  row(
    'POST /compte/jetons/:id/revoquer',
    (r) => call(r, 'POST', '/compte/jetons/inconnu/revoquer', {}),
    404,
    'none such',
  );
  row('GET /assets/copie.js', (r) => call(r, 'GET', '/assets/copie.js'), 200);
  row('GET /compte/mes-donnees.json', (r) => call(r, 'GET', '/compte/mes-donnees.json'), 200);
  row('GET /attentes', (r) => call(r, 'GET', '/attentes'), 200);
  // The CAF's and the MSA's people, and admins.
  row('GET /departement', (r) => call(r, 'GET', '/departement'), [303, 403, 200, 403, 403, 200]);
  row('GET /admin/donnees-personnelles', (r) => call(r, 'GET', '/admin/donnees-personnelles'), 200);
  row(
    'GET /admin/donnees-personnelles/export',
    (r) => call(r, 'GET', '/admin/donnees-personnelles/export?email=personne%40example.org'),
    404,
    'nobody by that address',
  );
  row(
    'POST /admin/donnees-personnelles/conservation',
    (r) => call(r, 'POST', '/admin/donnees-personnelles/conservation', {}),
    404,
    'no such convention',
  );
  for (const format of ['', '.csv', '.json', '.atom'])
    row(
      `GET /public/:slug/decisions${format}`,
      (r) => call(r, 'GET', `/public/${DEMO_CONVENTION_SLUG}/decisions${format}`),
      200,
    );
  // Every role signs in with a token here: no session to end, but the route answers each.
  row('POST /auth/sign-out-everywhere', (r) => call(r, 'POST', '/auth/sign-out-everywhere', {}), 200);
  row('GET /admin/taches/:id', (r) => call(r, 'GET', '/admin/taches/inconnu'), 404, 'none such');

  row(
    'POST /fiches',
    (r) => call(r, 'POST', '/fiches', { title: `Fiche de la page de ${r}` }),
    303,
    'the dashboard’s form',
  );

  row(
    'POST /api/fiches',
    async (r) => {
      // Each one's own draft, its author who creates it (the admin names the coopérateur).
      const response = await call(r, 'POST', '/api/fiches', {
        title: `Fiche de ${r}`,
        ...(r === 'admin' ? { authorEmail: PEOPLE.cooperateur } : {}),
      });
      if (response.statusCode === 201) {
        const { ficheId } = response.json<{ ficheId: string }>();
        await eventually(
          async () => db.prisma.ficheAction.findUnique({ where: { id: ficheId } }),
          `the fiche of ${r} in the store`,
        );
        own.fiche[r] = ficheId;
      }
      return response;
    },
    [401, 201, 201, 201, 201, 201],
  );
  row(
    'POST /api/fiches',
    (r) => call(r, 'POST', '/api/fiches', { title: `Fiche pour un autre, par ${r}`, authorEmail: OTHER_MEMBER }),
    [401, 403, 403, 403, 403, 201],
    'naming another author',
  );
  //                                                                            anon membre partn secr  coop  admin
  // The admin's draft is the coopérateur's: the others have no hand in it (neither author nor pilot).
  row(
    'PATCH /api/fiches/:id/content',
    (r) => call(r, 'PATCH', `/api/fiches/${own.fiche.admin!}/content`, { secteur: 'Mellois' }),
    [401, 403, 403, 403, 200, 200],
  );
  row('GET /api/fiches', (r) => call(r, 'GET', `/api/fiches?convention=${DEMO_CONVENTION_SLUG}`), 200);
  row('GET /api/fiches/:id/versions', (r) => call(r, 'GET', `/api/fiches/${target('fiche', r)}/versions`), 200);
  row('GET /api/fiches/:id', (r) => call(r, 'GET', `/api/fiches/${target('fiche', r)}`), 200);
  const ACTION = 'POST /api/fiches/:id/actions/:kind';
  row(
    ACTION,
    (r) => call(r, 'POST', `/api/fiches/${target('fiche', r)}/actions/submit`, {}),
    [401, 403, 403, 403, 200, 200],
    'submit',
  );
  row(
    ACTION,
    (r) => call(r, 'POST', `/api/fiches/${target('fiche', r)}/actions/withdraw`, { reason: 'Doublon.' }),
    [401, 403, 403, 403, 200, 200],
    'withdraw',
  );
  const onShared = (kind: string, body: unknown) => (r: Role) =>
    call(r, 'POST', `/api/fiches/${own.fiche.shared}/actions/${kind}`, body);
  // No COTECH has the fiche on its agenda yet: who may record the avis is told so (409).
  row(ACTION, onShared('recordAvis', { outcome: 'favorable' }), [401, 403, 403, 409, 403, 409], 'recordAvis');
  const onCopil = (kind: string, body: unknown) => (r: Role) =>
    call(r, 'POST', `/api/fiches/${own.fiche.copil}/actions/${kind}`, body);
  row(
    ACTION,
    onCopil('recordPartnerOpinion', { partner: 'caf', opinion: 'favorable' }),
    [401, 403, 200, 403, 403, 200],
    'recordPartnerOpinion (CAF)',
  );
  // The COPIL's secretary and an admin may record its decision, once the MSA's opinion is in.
  row(
    ACTION,
    onCopil('recordCopilDecision', { outcome: 'adoptee' }),
    [401, 403, 403, 409, 403, 409],
    'recordCopilDecision',
  );
  row(
    ACTION,
    onShared('recordBureauValidation', { outcome: 'validee' }),
    [401, 409, 409, 409, 409, 409],
    'recordBureauValidation',
  );
  row(
    ACTION,
    onShared('requestAmendment', { summary: 'Budget revu.' }),
    [401, 409, 409, 409, 409, 409],
    'requestAmendment',
  );
  row(
    ACTION,
    onShared('recordEvaluation', { year: today.year, summary: 'Bilan.' }),
    [401, 409, 409, 409, 409, 409],
    'recordEvaluation',
  );
  row(ACTION, onShared('close', { reason: 'Terminée.' }), [401, 409, 409, 409, 409, 409], 'close');

  row(
    'POST /api/meetings',
    async (r) => {
      const response = await call(r, 'POST', '/api/meetings', {
        instance: 'cotech',
        title: `COTECH de ${r}`,
        ...meetingTimes(14),
      });
      if (response.statusCode === 201) own.meeting[r] = response.json<{ meetingId: string }>().meetingId;
      return response;
    },
    [401, 403, 403, 201, 201, 201],
  );
  const STEP = 'POST /api/meetings/:id/:step';
  const onMeeting = (step: string, body: unknown) => (r: Role) =>
    call(r, 'POST', `/api/meetings/${target('meeting', r)}/${step}`, body);
  row('GET /api/meetings/:id', (r) => call(r, 'GET', `/api/meetings/${target('meeting', r)}`), 200);
  // The meeting pages' forms: only those who may manage the instance's meetings get them.
  const onMeetingPage = (method: 'GET' | 'POST', step: string, body?: unknown) => (r: Role) =>
    call(r, method, `/reunions/${target('meeting', r)}/${step}`, body);
  const pageForm = (ok: number, post: boolean): Statuses => [post ? 401 : 303, 403, 403, ok, ok, ok];
  row('GET /reunions/nouvelle', (r) => call(r, 'GET', '/reunions/nouvelle'), pageForm(200, false));
  row(
    'POST /reunions/nouvelle',
    (r) => call(r, 'POST', '/reunions/nouvelle', { instance: 'cotech', title: 'COTECH', etape: 'verifier' }),
    pageForm(422, true),
    'no date: the form again',
  );
  row('GET /reunions/:id/deplacer', onMeetingPage('GET', 'deplacer'), pageForm(200, false));
  row(
    'POST /reunions/:id/deplacer',
    onMeetingPage('POST', 'deplacer', { date: dateKey(meetingDay), debut: '15:00', fin: '17:00', etape: 'verifier' }),
    pageForm(200, true),
    'the date checked, nothing moved',
  );
  for (const answer of ['accepter', 'refuser'])
    row(
      `POST /reunions/:id/propositions/:proposal/${answer}`,
      onMeetingPage('POST', `propositions/inconnue/${answer}`, {}),
      pageForm(404, true),
      'no such proposal',
    );
  row('GET /reunions/:id/annuler', onMeetingPage('GET', 'annuler'), pageForm(200, false));
  row('POST /reunions/:id/annuler', onMeetingPage('POST', 'annuler', {}), pageForm(422, true), 'no reason');
  // Before the meeting: no attendance yet, no relevé.
  row('GET /reunions/:id/presences', onMeetingPage('GET', 'presences'), pageForm(409, false), 'not begun');
  row('POST /reunions/:id/presences', onMeetingPage('POST', 'presences', {}), pageForm(409, true), 'not begun');
  row('POST /reunions/:id/releve', onMeetingPage('POST', 'releve', {}), pageForm(409, true), 'not held');
  row(
    'POST /reunions/:id/releve/publier',
    onMeetingPage('POST', 'releve/publier', {}),
    pageForm(409, true),
    'not held',
  );
  row('GET /reunions/:id/ordre-du-jour', onMeetingPage('GET', 'ordre-du-jour'), pageForm(200, false));
  row('POST /reunions/:id/ordre-du-jour', onMeetingPage('POST', 'ordre-du-jour', {}), pageForm(422, true), 'no title');
  row(
    'POST /reunions/:id/ordre-du-jour/:itemId',
    onMeetingPage('POST', 'ordre-du-jour/inconnu', {}),
    pageForm(400, true),
    'no direction',
  );
  row(
    'POST /reunions/:id/ordre-du-jour/:itemId/duree',
    onMeetingPage('POST', 'ordre-du-jour/inconnu/duree', {}),
    pageForm(404, true),
    'no such item',
  );
  row('GET /reunions/:id/seance', onMeetingPage('GET', 'seance'), pageForm(409, false), 'not begun');
  row(
    'POST /reunions/:id/seance/points/:itemId',
    onMeetingPage('POST', 'seance/points/inconnu', {}),
    pageForm(409, true),
    'not begun',
  );
  row(
    'POST /reunions/:id/seance/fiches/:ficheId/:kind',
    onMeetingPage('POST', 'seance/fiches/inconnu/recordAvis', {}),
    pageForm(409, true),
    'not begun',
  );
  row('POST /reunions/:id/compte-rendu', onMeetingPage('POST', 'compte-rendu', {}), pageForm(409, true), 'not held');
  row('GET /reunions/:id/compte-rendu.pdf', onMeetingPage('GET', 'compte-rendu.pdf'), 404, 'none filed');
  row(
    STEP,
    onMeeting('reschedule', { ...meetingTimes(15), reason: 'Salle prise.' }),
    [401, 403, 403, 200, 200, 200],
    'reschedule',
  );
  // Before the meeting: attendance waits for its start, the relevé and the compte rendu for it to be held.
  row(STEP, onMeeting('attendance', { present: [PEOPLE.secretaire] }), [401, 403, 403, 409, 409, 409], 'attendance');
  row(STEP, onMeeting('decision-summary', {}), [401, 403, 403, 409, 409, 409], 'decision-summary');
  row(STEP, onMeeting('minutes', { ref: 'https://example.org/cr.pdf' }), [401, 403, 403, 409, 409, 409], 'minutes');
  row(STEP, onMeeting('cancel', { reason: 'Plus nécessaire.' }), [401, 403, 403, 200, 200, 200], 'cancel');

  row(
    'POST /api/polls',
    async (r) => {
      const response = await call(r, 'POST', '/api/polls', newPoll);
      if (response.statusCode === 201) own.poll[r] = response.json<{ pollId: string }>().pollId;
      return response;
    },
    [401, 403, 403, 201, 201, 201],
  );
  row('GET /api/polls/:id', (r) => call(r, 'GET', `/api/polls/${target('poll', r)}`), 200);
  // No tie to break while the poll is open.
  row(
    'POST /api/polls/:id/:step',
    (r) => call(r, 'POST', `/api/polls/${target('poll', r)}/choose`, { optionId: 'x' }),
    [401, 403, 403, 409, 409, 409],
    'choose',
  );
  row(
    'POST /api/polls/:id/:step',
    (r) => call(r, 'POST', `/api/polls/${target('poll', r)}/close`, {}),
    [401, 403, 403, 200, 200, 200],
    'close',
  );
  // The poll pages' forms: only those who may run the instance's polls get them; the polls closed just above.
  row('GET /sondages/nouveau', (r) => call(r, 'GET', '/sondages/nouveau?instance=cotech'), pageForm(200, false));
  row(
    'POST /sondages/nouveau',
    (r) => call(r, 'POST', '/sondages/nouveau', { instance: 'cotech', etape: 'verifier' }),
    pageForm(422, true),
    'no title, no date: the form again',
  );
  row(
    'POST /sondages/:id/clore',
    (r) => call(r, 'POST', `/sondages/${target('poll', r)}/clore`, {}),
    [401, 403, 403, 409, 409, 409],
    'already closed',
  );
  row(
    'POST /sondages/:id/choisir',
    (r) => call(r, 'POST', `/sondages/${target('poll', r)}/choisir`, { date: 'x' }),
    [401, 403, 403, 409, 409, 409],
    'already closed',
  );

  row('GET /api/conventions/:slug/calendar', (r) => call(r, 'GET', `${CONVENTION}/calendar`), 200);
  row(
    'PUT /api/conventions/:slug/calendar/rules',
    (r) => call(r, 'PUT', `${CONVENTION}/calendar/rules`, { rules: [] }),
    [401, 403, 403, 403, 200, 200],
  );
  row(
    'POST /api/conventions/:slug/calendar/milestones/:key/move',
    (r) => call(r, 'POST', `${CONVENTION}/calendar/milestones/inconnue/move`, { startDate: dateKey(pollDay) }),
    [401, 403, 403, 403, 400, 400],
    'none such',
  );

  row('GET /api/conventions/:slug/calendar/rules', (r) => call(r, 'GET', `${CONVENTION}/calendar/rules`), 200);
  // The calendar's forms: for those who plan it (the coopérateurs and the admins).
  const planForm = (ok: number, post: boolean): Statuses => [post ? 401 : 303, 403, 403, 403, ok, ok];
  row('GET /calendrier/regles', (r) => call(r, 'GET', '/calendrier/regles'), planForm(200, false));
  row(
    'POST /calendrier/regles',
    (r) => call(r, 'POST', '/calendrier/regles', { 'cotech.frequence': 'month' }),
    planForm(422, true),
    'a rule without its day: the form again',
  );
  row(
    'GET /calendrier/jalons/:key/deplacer',
    (r) => call(r, 'GET', '/calendrier/jalons/inconnu/deplacer'),
    planForm(404, false),
    'none such',
  );
  row(
    'POST /calendrier/jalons/:key/deplacer',
    (r) => call(r, 'POST', '/calendrier/jalons/inconnu/deplacer', { date: dateKey(pollDay), etape: 'verifier' }),
    planForm(404, true),
    'none such',
  );
  // One's own calendar feeds: anyone signed in.
  const NO_FEED = '00000000-0000-4000-8000-000000000000';
  row('GET /mes-agendas', (r) => call(r, 'GET', '/mes-agendas'), 200);
  row(
    'POST /mes-agendas/:id/revoquer',
    (r) => call(r, 'POST', `/mes-agendas/${NO_FEED}/revoquer`, {}),
    404,
    'none such',
  );
  row(
    'POST /mes-agendas/:id/renouveler',
    (r) => call(r, 'POST', `/mes-agendas/${NO_FEED}/renouveler`, {}),
    404,
    'none such',
  );
  row('GET /api/me/feeds', (r) => call(r, 'GET', '/api/me/feeds'), 200);
  row('POST /api/me/feeds/:id/renew', (r) => call(r, 'POST', `/api/me/feeds/${NO_FEED}/renew`, {}), 404, 'none such');
  row('DELETE /api/me/feeds/:id', (r) => call(r, 'DELETE', `/api/me/feeds/${NO_FEED}`), 404, 'none such');
  // One's own CalDAV calendar (anyone signed in; none linked here), an instance's (admins); the form of the pages.
  row('GET /api/me/calendar', (r) => call(r, 'GET', '/api/me/calendar'), 200);
  row('PUT /api/me/calendar', (r) => call(r, 'PUT', '/api/me/calendar', {}), 400, 'empty');
  row('DELETE /api/me/calendar', (r) => call(r, 'DELETE', '/api/me/calendar'), 404, 'none linked');
  const INSTANCE_CALENDAR = `${CONVENTION}/instances/cotech/calendar`;
  row(
    'PUT /api/conventions/:slug/instances/:instance/calendar',
    (r) => call(r, 'PUT', INSTANCE_CALENDAR, {}),
    400,
    'empty',
  );
  row(
    'DELETE /api/conventions/:slug/instances/:instance/calendar',
    (r) => call(r, 'DELETE', INSTANCE_CALENDAR),
    404,
    'none linked',
  );
  row('GET /mes-agendas/agenda-caldav', (r) => call(r, 'GET', '/mes-agendas/agenda-caldav'), 200);
  row('POST /mes-agendas/agenda-caldav', (r) => call(r, 'POST', '/mes-agendas/agenda-caldav', {}), 422, 'empty');
  row('POST /mes-agendas/agenda-caldav/delier', (r) => call(r, 'POST', '/mes-agendas/agenda-caldav/delier', {}), 303);
  // Started with the calendar: starting it again answers 200.
  row('GET /api/conventions/:slug/cycle', (r) => call(r, 'GET', `${CONVENTION}/cycle`), 200);
  row('POST /api/conventions/:slug/cycle', (r) => call(r, 'POST', `${CONVENTION}/cycle`, {}), 200);
  row(
    'POST /api/conventions/:slug/amendments',
    (r) => call(r, 'POST', `${CONVENTION}/amendments`, { newEndDate: '2020-12-31', motif: 'Essai.' }),
    [401, 403, 403, 403, 400, 400],
    'an earlier end',
  );
  // Each steward opens a plan of its own year, so both answer 201; the steps then act on the latest (the admin's).
  row(
    'POST /api/conventions/:slug/plan-actions',
    (r) =>
      call(
        r,
        'POST',
        `${CONVENTION}/plan-actions`,
        r === 'admin' ? { startYear: 2025, endYear: 2025 } : { startYear: 2024, endYear: 2024 },
      ),
    201,
  );
  row('GET /plan-actions', (r) => call(r, 'GET', '/plan-actions'), 200);
  row('GET /api/conventions/:slug/plan-actions', (r) => call(r, 'GET', `${CONVENTION}/plan-actions`), 200);
  row('GET /api/conventions/:slug/plan-actions.pdf', (r) => call(r, 'GET', `${CONVENTION}/plan-actions.pdf`), 200);
  row(
    'POST /api/conventions/:slug/plan-actions/actions/:kind',
    (r) => call(r, 'POST', `${CONVENTION}/plan-actions/actions/submitToBureau`, {}),
    [401, 409, 409, 409, 409, 409],
    'in élaboration: the stage refuses it, whoever asks',
  );
  // The plan's page: its opening (the convention's years, a plan of its own) by the stewards, then a step of the
  // latest plan, refused for role to those the rules do not name; the coopérateur takes it, the admin comes too late.
  row(
    'POST /conventions/:slug/plan-actions',
    (r) => call(r, 'POST', `/conventions/${DEMO_CONVENTION_SLUG}/plan-actions`, {}),
    303,
  );
  row(
    'POST /conventions/:slug/plan-actions/etapes/:kind',
    (r) => call(r, 'POST', `/conventions/${DEMO_CONVENTION_SLUG}/plan-actions/etapes/finishElaboration`, {}),
    [401, 403, 403, 403, 303, 409],
    'in élaboration',
  );
  row(
    'POST /api/conventions/:slug/amendments/other',
    (r) => call(r, 'POST', `${CONVENTION}/amendments/other`, {}),
    [401, 403, 403, 403, 400, 400],
    'no title',
  );
  row('GET /api/conventions/:slug/signature', (r) => call(r, 'GET', `${CONVENTION}/signature`), 200);
  // The demo convention was signed before Concerto took it on: its path is not replayed, whoever asks.
  const cafValidation = { step: 'validation', party: 'caf', date: '2023-10-20', reference: 'CA-2023-10' };
  row(
    'POST /api/conventions/:slug/signature/:version/steps',
    (r) => call(r, 'POST', `${CONVENTION}/signature/0/steps`, cafValidation),
    [401, 409, 409, 409, 409, 409],
    'signed before Concerto',
  );
  row(
    'POST /conventions/:slug/signature/:version',
    (r) => call(r, 'POST', `/conventions/${DEMO_CONVENTION_SLUG}/signature/0`, cafValidation),
    [401, 409, 409, 409, 409, 409],
    'signed before Concerto',
  );
  row(
    'POST /conventions/:slug/avenants',
    (r) =>
      call(r, 'POST', `/conventions/${DEMO_CONVENTION_SLUG}/avenants`, {
        nature: 'prolongation',
        newEndDate: '2020-12-31',
        motif: 'Essai.',
      }),
    [401, 403, 403, 403, 400, 400],
    'an earlier end: the form again',
  );
  // The demo's 2024 polls are past: each is refused, with why.
  row('POST /api/conventions/:slug/polls/start', (r) => call(r, 'POST', `${CONVENTION}/polls/start`, {}), 200);
  // Last: loading the demo again puts back the setup's values this test changed (the COTECH's delay).
  row('POST /admin/demo', (r) => call(r, 'POST', '/admin/demo', {}), 303);

  row('GET /api/conventions/:slug/calendar.ics', (r) => call(r, 'GET', `${CONVENTION}/calendar.ics`), 200);
  // Last: loading the demo again puts its setup back (the COTECH's convocation delay too).
  row('POST /api/demo', (r) => call(r, 'POST', '/api/demo', {}), 200);

  it('answers each role as the table says, for every action', { timeout: 300_000 }, async () => {
    type Doc = {
      paths: Record<string, Record<string, { 'x-route': string; 'x-access': Access; tags: string[] }>>;
    };
    const doc = (await call('anonymous', 'GET', '/api/openapi.json')).json<Doc>();
    const declared = new Map(
      Object.values(doc.paths)
        .flatMap((operations) => Object.values(operations))
        .map((op) => [op['x-route'], op] as const),
    );

    reached.clear();
    const seen: string[] = [];
    const expected: string[] = [];
    for (const { route, name, cell, expected: given } of MATRIX) {
      const op = declared.get(route);
      expect(op, `${route} is a declared route`).toBeDefined();
      const access = op!['x-access'];
      // Only the domain decides who gets what on a `domain` route; elsewhere the declared access does.
      expect(typeof given === 'number', `${name}: ${access}`).toBe(access !== 'domain');
      const statuses =
        typeof given === 'number'
          ? byAccess(access, given, route.startsWith('GET ') && op!.tags.includes('pages'))
          : given;
      for (const [i, role] of ROLES.entries()) {
        const response = await cell(role);
        seen.push(`${name} × ${role}: ${response.statusCode}`);
        expected.push(`${name} × ${role}: ${statuses[i]}`);
        // Every refusal says why, for people.
        if (response.statusCode >= 400 && response.statusCode !== 404) {
          // The web pages say it in a page, the API in its error body.
          const message = response.body.startsWith('<!doctype html>')
            ? (/<h1>[^<]+<\/h1>\s*<p[^>]*>([^<]*)<\/p>/.exec(response.body)?.[1] ?? '')
            : response.json<{ error: { message: string } }>().error.message;
          expect(message.length, `${name} × ${role}`).toBeGreaterThan(10);
        }
      }
    }
    expect(seen).toEqual(expected);

    // Every route of the API is in the table, but those a signed link or a token in the URL opens
    // (the same for everyone: their own tests cover them) and signing in and out (access.test.ts).
    const apiRoutes = [...declared.values()]
      .filter(
        (op) =>
          op['x-access'] !== 'link' &&
          !/^POST \/auth\/sign-(in|out)$/.test(op['x-route']) &&
          !op['x-route'].includes('/retroplanning/'),
      )
      .map((op) => op['x-route']);
    expect(new Set(apiRoutes).size).toBeGreaterThan(20);
    expect([...new Set(apiRoutes)].filter((route) => !reached.has(route))).toEqual([]);
  });
});

type Access = 'public' | 'link' | 'signed-in' | 'convention' | 'domain' | 'steward' | 'admin';
type Statuses = [number, number, number, number, number, number];
/** What the roles allowed get (derived from the declared access), or each role's status (a `domain` route). */
type Expected = number | Statuses;

/**
 * Each role's status on a route its declared access decides, in the order of ROLES: those it
 * admits get `allowed`; nobody signed in gets 401 (a page asked by a browser: 303 to the sign-in
 * page); a person it does not admit, 403. Every demo person sits in the convention.
 */
function byAccess(access: Access, allowed: number, page: boolean): Statuses {
  const anonymous = page ? 303 : 401;
  switch (access) {
    case 'public':
    case 'link':
      return [allowed, allowed, allowed, allowed, allowed, allowed];
    case 'signed-in':
    case 'convention':
      return [anonymous, allowed, allowed, allowed, allowed, allowed];
    case 'steward':
      return [anonymous, 403, 403, 403, allowed, allowed];
    case 'admin':
      return [anonymous, 403, 403, 403, 403, allowed];
    case 'domain':
      throw new Error('a domain route’s statuses are given role by role');
  }
}
