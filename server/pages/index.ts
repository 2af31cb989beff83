import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { localDateKey, parseDateKey, toLocal } from '../../domain/paris-time.js';
import type { Store } from '../../store/index.js';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseNewFiche } from '../../domain/fiche.js';
import { ficheDeadlines } from '../../client/fiche-deadlines.js';
import { startFiche } from '../../client/start-fiche.js';
import { actorOf, csrfTokenOf } from '../plugins/auth.js';
import { auditAs } from '../audit.js';
import { HttpError, toHttpError } from '../errors.js';
import { registerAdminWorkflowPages } from './admin-workflows.js';
import { registerAccountPages } from './account-pages.js';
import { FORM_SCRIPT, FORM_SCRIPT_PATH } from './form-script.js';
import { ID, notFound } from './page-lookup.js';
import { AUDIT_PAGE_SIZE, auditFilterOrErrors, auditPage, type AuditFilterFields } from './audit-page.js';
import { calendarPage, monthKey } from './calendar-page.js';
import { conventionChoicePage } from './convention-choice-page.js';
import type { ConventionListItem } from '../../store/conventions/list-conventions.js';
import { dashboardPage } from './dashboard.js';
import { CALENDAR_NOTICES, registerCalendarFormPages } from './calendar-form-routes.js';
import { registerFeedPages } from './feed-pages.js';
import { registerCalendarLinkPages } from './calendar-link-pages.js';
import { registerFichePages } from './fiche-pages.js';
import { messagePage, sendAppPage, type PageViewer } from './layout.js';
import { signInPage } from './sign-in-page.js';
import { doneNotice, redirectDone } from './done-notice.js';
import { registerConventionSignaturePages, SIGNATURE_NOTICES } from './convention-signature-routes.js';
import { describeSignature } from '../../client/convention-signature.js';
import { SUBMIT_ONCE_SCRIPT, SUBMIT_ONCE_SCRIPT_PATH } from './submit-once.js';
import type { JobRegistry } from '../jobs.js';
import { loadLivingDemo } from '../../client/load-living-demo.js';
import { demoPage, livingDemoSentence, PROGRESS_SCRIPT, PROGRESS_SCRIPT_PATH, progressPage } from './progress-page.js';
import { registerImportPages } from './import-pages.js';
import { meetingPage } from './meeting-page.js';
import { instancesToConvene, meetingPageActions, registerMeetingFormPages } from './meeting-form-routes.js';
import { registerMeetingAgendaPages } from './meeting-agenda-routes.js';
import { registerAgendaDurationPages } from './agenda-duration-routes.js';
import { registerMeetingDayPages } from './meeting-day-routes.js';
import { registerCounterProposalPages } from './counter-proposal-routes.js';
import { registerOpenDecisionsPages } from './open-decisions-pages.js';
import { registerPlanActionsPages, sendPlanActionsPage } from './plan-actions-routes.js';
import { registerPageScript } from './page-script.js';
import { outboxPage } from './outbox-page.js';
import { pollListPage, pollPage } from './poll-pages.js';
import { instancesToPoll, pollPageView, registerPollFormPages } from './poll-form-routes.js';
import { mayPlanCalendar } from '../../domain/meeting-recurrence.js';
import { route, routeViewer } from '../route.js';
import type { FeedLinks } from '../routes/feed-subscriptions.js';

/** Dependencies of {@link pageRoutes}. */
export interface PageDependencies {
  /** The long pieces of work the pages start (demo loading, imports), shared with GET /api/jobs/:id. */
  jobs: JobRegistry;
  client: Client;
  store: Store;
  taskQueue: string;
  catcher?: MailCatcher | undefined;
  temporalUiUrl?: string | null;
  now?: () => Date;
  /** Where the calendar feed addresses point and what signs them: « Mes agendas » is served with them. */
  feedLinks?: FeedLinks;
  /** Seals the app passwords of linked CalDAV calendars: « Mes agendas » links one when given. */
  calendarSecret?: string;
}

/** Who the page is for (request.viewer, from the session), with the CSRF token of its forms. */
function viewerOf(request: FastifyRequest): PageViewer | null {
  const viewer = request.viewer;
  return viewer
    ? { displayName: viewer.displayName, email: viewer.email, admin: viewer.admin, csrfToken: csrfTokenOf(request) }
    : null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Waits for a new fiche's workflow to record it in the store (its first activity), so the page
 * it leads to finds it; after 15 s the page says it is not there yet.
 */
async function untilStored(store: Store, ficheId: string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (await store.fiches.findRef(ficheId)) return;
    await sleep(100);
  }
}

/** The app's French pages, server-rendered; errors are pages too, with the API's status and message. */
export const pageRoutes: FastifyPluginAsync<PageDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());
  const { jobs } = deps;

  /**
   * The convention a page shows: the one named (?convention=), else the only one the person has a
   * seat in (an admin: the only one there is); someone in several gets the list to choose from.
   */
  const pageConvention = async (
    request: FastifyRequest,
    named: string | undefined,
  ): Promise<{ id: string; slug: string } | { choices: ConventionListItem[] }> => {
    if (named === undefined) {
      const viewer = routeViewer(request);
      const theirs = await deps.store.conventions.list(viewer.admin ? {} : { personId: viewer.personId });
      if (theirs.length === 1) return theirs[0]!;
      if (theirs.length > 1) return { choices: theirs };
    }
    return deps.store.conventions.resolve(named);
  };
  const sendChoice = (
    request: FastifyRequest,
    reply: FastifyReply,
    choices: ConventionListItem[],
    page: { path: string; title: string },
  ) => sendAppPage(reply, 200, conventionChoicePage(choices, page, viewerOf(request)));

  // The pages' forms: fields as an object, where the auth hook finds `_csrf`.
  // The server's limit (1 Mo) unless a route sets its own (the setup import).
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  // A browser without a session asking for a page that is not public goes to the sign-in page;
  // anything else is refused by the access the route declares (a form posted without its CSRF
  // token too).
  scope.addHook('preHandler', async (request, reply) => {
    if (request.viewer || request.routeOptions.config.declaration?.access === 'public') return;
    if (request.method === 'GET')
      return reply.code(303).header('location', '/connexion').header('cache-control', 'no-store').send();
  });

  scope.setErrorHandler((error, request, reply) => {
    // Fastify's own client errors (malformed body, wrong content type) carry their 4xx.
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500 && !(error instanceof HttpError)) {
      return sendAppPage(
        reply,
        status,
        messagePage(
          'Demande refusée',
          'Cette demande n’a pas pu être lue : renvoyez le formulaire de la page.',
          viewerOf(request),
        ),
      );
    }
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'page failed');
    const title =
      mapped.status === 404 ? 'Page introuvable' : mapped.status >= 500 ? 'Erreur interne' : 'Demande refusée';
    const message =
      mapped.status >= 500
        ? 'La page n’a pas pu être affichée : l’erreur a été consignée. Réessayez dans un instant.'
        : mapped.message;
    return sendAppPage(reply, mapped.status, messagePage(title, message, viewerOf(request)));
  });

  route<{ Querystring: { fin?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/connexion',
      summary: 'The sign-in page (an address, a link by mail); ?fin=partout once signed out everywhere',
      tag: 'pages',
      access: 'public',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => sendAppPage(reply, 200, signInPage(viewerOf(request), request.query.fin)),
  );

  route<{ Querystring: { convention?: string; fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/',
      summary: 'The dashboard: fiches by stage, next meetings, deadlines (anonymous browsers: 303 to /connexion)',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const convention = await pageConvention(request, request.query.convention);
      if ('choices' in convention)
        return sendChoice(request, reply, convention.choices, { path: '/', title: 'Vos conventions' });
      const actor = await actorOf(request, deps.store, convention.id);
      const today = now();
      const [row, fiches, meetings, milestones, polls, signature, workingGroups] = await Promise.all([
        deps.store.conventions.findHeading(convention.id),
        deps.store.fiches.list(convention.id),
        deps.store.meetings.listBetween(convention.id, { from: today, limit: 10 }),
        deps.store.conventions.listMilestonesBetween(convention.id, { from: localDateKey(today), limit: 10 }),
        deps.store.polls.list(convention.id, { status: 'ouvert' }),
        deps.store.conventions.loadSignature(convention.id),
        deps.store.conventions.listWorkingGroups(convention.id, actor.email),
      ]);
      const described = describeSignature(signature);
      // The official signing's form offers the meetings held since a year before the convention's start.
      const signingMeetings = described.paths[0]!.awaited.some((a) => a.step === 'officielle')
        ? (
            await deps.store.meetings.listBetween(convention.id, {
              from: new Date(Date.parse(signature.startDate) - 366 * 86_400_000),
              to: today,
            })
          ).filter((m) => m.status !== 'annulee')
        : [];
      const deadlines = await ficheDeadlines(deps.client, fiches);
      const viewer = viewerOf(request);
      return sendAppPage(
        reply,
        200,
        dashboardPage(
          {
            convention: row,
            fiches,
            deadlines,
            meetings,
            milestones,
            polls,
            workingGroups,
            signature: {
              slug: row.slug,
              status: signature.status,
              endDate: signature.endDate,
              paths: described.paths,
              amendments: signature.amendments,
              actor,
              signingMeetings,
            },
            notice: doneNotice(request.query.fait, SIGNATURE_NOTICES),
          },
          viewer,
          today,
        ),
      );
    },
  );

  route<{ Params: { id: string }; Querystring: { fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id',
      summary: 'A meeting: agenda, answers, attendance, decisions',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      const meeting = ID.test(request.params.id) ? await deps.store.meetings.findForPage(request.params.id) : null;
      if (!meeting) throw notFound('Réunion');
      const actor = await actorOf(request, deps.store, meeting.conventionId);
      const history = await deps.store.audit.list({ limit: 200, subject: `meeting:${meeting.id}` });
      const actions = meetingPageActions(meeting, actor, request.query.fait, now());
      return sendAppPage(reply, 200, meetingPage(meeting, history.lines, viewerOf(request), actions));
    },
  );

  route<{ Querystring: { convention?: string; fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/plan-actions',
      summary:
        'The plan d’actions: per enjeu its objectifs, each fiche with its pilote and stage; the plan’s steps, ' +
        'a form for each its reader may take',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const convention = await pageConvention(request, request.query.convention);
      if ('choices' in convention)
        return sendChoice(request, reply, convention.choices, { path: '/plan-actions', title: 'Plan d’actions' });
      return sendPlanActionsPage({ ...deps, viewerOf }, request, reply, convention, { done: request.query.fait });
    },
  );

  route<{ Querystring: { convention?: string; mois?: string; fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/calendrier',
      summary: 'A month of meetings and milestones (?mois=AAAA-MM), and the rétroplanning',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const convention = await pageConvention(request, request.query.convention);
      if ('choices' in convention)
        return sendChoice(request, reply, convention.choices, { path: '/calendrier', title: 'Calendrier' });
      const actor = await actorOf(request, deps.store, convention.id);
      const wanted = request.query.mois;
      if (wanted !== undefined && !MONTH.test(wanted))
        throw new HttpError(
          400,
          'INVALID_INPUT',
          `« ${wanted.slice(0, 20)} » n’est pas un mois : écrivez-le AAAA-MM, par exemple 2026-06.`,
        );
      const today = toLocal(now());
      const month = parseDateKey(`${wanted ?? monthKey({ year: today.year, month: today.month, day: 1 })}-01`);
      const next = parseDateKey(`${monthKey(month, 1)}-01`);
      // A week either side: the grid shows the days of the weeks the month touches.
      const from = new Date(Date.UTC(month.year, month.month - 1, 1) - 7 * 86_400_000);
      const to = new Date(Date.UTC(next.year, next.month - 1, 1) + 7 * 86_400_000);
      const [row, meetings, milestones, toConvene] = await Promise.all([
        deps.store.conventions.findHeading(convention.id),
        deps.store.meetings.listBetween(convention.id, { from, to }),
        deps.store.conventions.listMilestonesBetween(convention.id, { from: localDateKey(from), to: localDateKey(to) }),
        instancesToConvene(deps.store, convention.id, actor),
      ]);
      const { fait } = request.query;
      const notice = fait && Object.hasOwn(CALENDAR_NOTICES, fait) ? CALENDAR_NOTICES[fait as 'regles'] : null;
      const mayPlan = mayPlanCalendar(actor);
      const view = { convention: row, month, meetings, milestones, toConvene, mayPlan, notice };
      return sendAppPage(reply, 200, calendarPage(view, viewerOf(request)));
    },
  );

  route<{ Querystring: { convention?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/sondages',
      summary: 'The date polls',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const convention = await pageConvention(request, request.query.convention);
      if ('choices' in convention)
        return sendChoice(request, reply, convention.choices, { path: '/sondages', title: 'Sondages de date' });
      const actor = await actorOf(request, deps.store, convention.id);
      const [polls, toPoll] = await Promise.all([
        deps.store.polls.list(convention.id),
        instancesToPoll(deps.store, convention.id, actor),
      ]);
      const proposal = toPoll.length
        ? { href: `/sondages/nouveau?convention=${encodeURIComponent(convention.slug)}` }
        : { reason: 'Les coopérateurs, les secrétaires et les présidents d’instance proposent les dates.' };
      return sendAppPage(reply, 200, pollListPage(polls, viewerOf(request), proposal));
    },
  );

  route<{ Params: { id: string }; Querystring: { fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/sondages/:id',
      summary: 'A date poll: answers by date, who has not answered',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      const poll = ID.test(request.params.id) ? await deps.store.polls.find(request.params.id) : null;
      if (!poll) throw notFound('Sondage');
      const actor = await actorOf(request, deps.store, poll.conventionId);
      const view = await pollPageView(deps, poll, actor, request.query.fait);
      return sendAppPage(reply, 200, pollPage(view.poll, viewerOf(request), view.actions));
    },
  );

  // The caught mails hold every signed link sent, sign-in links included: admins only.
  route(
    scope,
    {
      method: 'GET',
      url: '/boite-d-envoi',
      summary: 'The embedded catcher’s mails',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      return sendAppPage(reply, 200, outboxPage(deps.catcher ? await deps.catcher.list() : null, viewerOf(request)));
    },
  );

  route<{ Querystring: AuditFilterFields & { page?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/admin/journal',
      summary: 'The audit log, filtered (?since=&until=&actor=&action=&page=)',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const { since, until, actor, action, page: pageNumber } = request.query;
      const fields = Object.fromEntries(
        Object.entries({ since, until, actor, action }).filter(([, value]) => value !== undefined),
      ) as AuditFilterFields;
      const read = auditFilterOrErrors(fields);
      if ('errors' in read)
        return sendAppPage(reply, 400, auditPage({ total: 0, lines: [] }, 1, fields, viewerOf(request), read.errors));
      const page = Math.max(1, Number.parseInt(pageNumber ?? '1', 10) || 1);
      const log = await deps.store.audit.list({
        ...read.filter,
        limit: AUDIT_PAGE_SIZE,
        offset: (page - 1) * AUDIT_PAGE_SIZE,
      });
      return sendAppPage(reply, 200, auditPage(log, page, fields, viewerOf(request)));
    },
  );

  route<{ Body: { title?: string; gtt?: string; convention?: string; envoi?: string } }>(
    scope,
    {
      method: 'POST',
      url: '/fiches',
      summary:
        'Draft a fiche from the dashboard’s form (fields `title`, `gtt` (empty: none), `envoi` its key, `_csrf`)',
      tag: 'pages',
      access: 'convention',
      success: { status: 303, description: 'Redirect to the fiche’s page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      const convention = await deps.store.conventions.resolve(request.body?.convention);
      await actorOf(request, deps.store, convention.id);
      const gtt = request.body?.gtt;
      const fiche = parseNewFiche(
        { title: request.body?.title, ...(gtt !== undefined ? { gtt: gtt === '' ? null : gtt } : {}) },
        viewer.email,
      );
      // The form's key names the fiche: the same form sent twice leads to the fiche it created.
      const key = request.body?.envoi;
      const ficheId = key && UUID.test(key) ? key : randomUUID();
      if (!(await deps.store.fiches.findRef(ficheId)))
        await startFiche(deps, convention.id, fiche, viewer.email, { ficheId }).catch((error: unknown) => {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        });
      await untilStored(deps.store, ficheId);
      return redirectDone(reply, `/fiches/${ficheId}`, 'creee');
    },
  );

  registerPageScript(scope, {
    url: PROGRESS_SCRIPT_PATH,
    summary: 'The script that keeps a progress page up to date',
    body: PROGRESS_SCRIPT,
  });
  registerPageScript(scope, {
    url: SUBMIT_ONCE_SCRIPT_PATH,
    summary: 'The script that keeps the pages’ forms from being sent twice',
    body: SUBMIT_ONCE_SCRIPT,
  });

  route(
    scope,
    {
      method: 'GET',
      url: '/admin/demo',
      summary: 'The page that loads the demo convention',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      return sendAppPage(reply, 200, demoPage(viewerOf(request)));
    },
  );

  // Loading the demo writes a few hundred rows: it runs on, and its page shows how far it is.
  route(
    scope,
    {
      method: 'POST',
      url: '/admin/demo',
      summary: 'Load the demo convention in the background',
      tag: 'pages',
      access: 'admin',
      success: { status: 303, description: 'Redirect to its progress page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const audit = auditAs(deps.store, request);
      const job = jobs.start('Chargement de la démonstration', async (report) => {
        const { slug, ...summary } = await loadLivingDemo(deps, { now: now(), onProgress: report });
        await audit('convention.loadDemo', `convention:${slug}`, summary);
        return (
          `Démonstration « ${slug} » chargée : ${summary.created} créés, ${summary.updated} mis à jour, ` +
          `${summary.unchanged} inchangés, ${summary.removed} retirés. ${livingDemoSentence(summary.live)}`
        );
      });
      return reply.code(303).header('location', `/admin/taches/${job.id}`).send();
    },
  );

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'GET',
      url: '/admin/taches/:id',
      summary: 'A long piece of work’s progress page',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      const job = jobs.get(request.params.id);
      if (!job) throw notFound('Travail');
      return sendAppPage(reply, 200, progressPage(job, viewerOf(request)));
    },
  );

  registerPageScript(scope, {
    url: FORM_SCRIPT_PATH,
    summary: 'The script of the copy buttons',
    body: FORM_SCRIPT,
  });
  registerAccountPages(scope, { store: deps.store, now, viewerOf });
  registerImportPages(scope, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue, jobs, viewerOf });
  registerFichePages(scope, { client: deps.client, store: deps.store, viewerOf });
  registerMeetingFormPages(scope, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue, viewerOf, now });
  registerMeetingAgendaPages(scope, { client: deps.client, store: deps.store, viewerOf, now });
  registerAgendaDurationPages(scope, { client: deps.client, store: deps.store, viewerOf, now });
  registerMeetingDayPages(scope, { client: deps.client, store: deps.store, viewerOf, now });
  registerCounterProposalPages(scope, { client: deps.client, store: deps.store, now });
  registerConventionSignaturePages(scope, { client: deps.client, store: deps.store, viewerOf, now });
  registerPlanActionsPages(scope, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue, viewerOf });
  registerOpenDecisionsPages(scope, {
    client: deps.client,
    store: deps.store,
    taskQueue: deps.taskQueue,
    viewerOf,
    now,
  });
  registerPollFormPages(scope, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue, viewerOf, now });
  registerCalendarFormPages(scope, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue, viewerOf });
  if (deps.feedLinks) registerFeedPages(scope, { store: deps.store, links: deps.feedLinks, viewerOf, now });
  if (deps.calendarSecret)
    registerCalendarLinkPages(scope, { store: deps.store, secret: deps.calendarSecret, viewerOf, now });

  registerAdminWorkflowPages(scope, {
    client: deps.client,
    store: deps.store,
    temporalUiUrl: deps.temporalUiUrl ?? null,
    viewerOf,
  });
};
