import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import type { DoctorCheck } from '../infra/doctor/mail-checks.js';
import type { MailCatcher } from '../infra/smtp-in/mail-catcher.js';
import { createJobRegistry } from './jobs.js';
import { pageRoutes } from './pages/index.js';
import { registerAuth } from './plugins/auth.js';
import { MAX_PATH_PARAMETER } from '../domain/validation.js';
import { applySecurityHeaders } from './plugins/security-headers.js';
import { frenchClientErrors, frenchFrameworkErrors, handleErrors } from './plugins/error-handler.js';
import { limitJsonDepth } from './plugins/json-body.js';
import { collectRoutes, registerOpenApiRoute } from './plugins/openapi.js';
import { boundTemporalCalls } from './plugins/temporal-deadline.js';
import { apiTokenRoutes } from './routes/api-tokens.js';
import { auditRoutes } from './routes/audit.js';
import { calendarRoutes } from './routes/calendar.js';
import { calendarLinkRoutes } from './routes/calendar-links.js';
import { conventionCalendarRoutes } from './routes/convention-calendar.js';
import { conventionCycleRoutes } from './routes/convention-cycle.js';
import { planActionsRoutes } from './routes/plan-actions.js';
import { conventionRoutes } from './routes/conventions.js';
import { demoRoutes } from './routes/demo.js';
import { doctorRoutes } from './routes/doctor.js';
import { feedRoutes, type FeedRouteDependencies } from './routes/feeds.js';
import { feedSubscriptionRoutes } from './routes/feed-subscriptions.js';
import { ficheContentRoutes } from './routes/fiche-content.js';
import { ficheRoutes } from './routes/fiches.js';
import { healthRoutes, type HealthProbes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { meetingRoutes } from './routes/meetings.js';
import { outboxRoutes } from './routes/outbox.js';
import { pollRoutes } from './routes/polls.js';
import { retroplanningRoutes, type RetroplanningRouteDependencies } from './routes/retroplanning.js';
import { rsvpRoutes, type RsvpRouteDependencies } from './routes/rsvp.js';
import { runningConventionRoutes } from './routes/running-convention.js';
import { sessionRoutes } from './routes/session.js';
import { signInRoutes, type SignInRouteDependencies } from './routes/sign-in.js';
import { voteRoutes } from './routes/vote.js';
import { opinionRoutes } from './routes/opinion.js';
import { proxyRoutes } from './routes/proxy.js';
import { workflowRoutes } from './routes/workflows.js';

export interface HttpAppDependencies {
  client: Client;
  store: Store;
  taskQueue: string;
  probes: HealthProbes;
  catcher?: MailCatcher;
  /** The answer pages of invitation links (/rsvp/:token), the voting pages of date polls
   * (/vote/:token) and the partners' opinion pages (/avis/:token); left out, they are not served. */
  rsvp?: Omit<RsvpRouteDependencies, 'store'>;
  /** The calendar feeds (/feeds/…) and the API's calendar of a convention
   * (/api/conventions/:slug/calendar.ics); left out, they are not served. Their links are checked with
   * the secret of `rsvp`, which must be given too: one secret signs every link. */
  feeds?: Omit<FeedRouteDependencies, 'store' | 'secret'>;
  /** Options of the rétroplanning pictures (/conventions/:slug/retroplanning/…), always served. */
  retroplanning?: Omit<RetroplanningRouteDependencies, 'store'>;
  /** The Temporal Web UI's address, for the admins' links to each workflow. */
  temporalUiUrl?: string | null;
  /** Signing in by a link sent by mail (/auth/…); left out, nobody can sign in but with an API
   * token. Its links are signed with the secret of `rsvp` and point to its `publicUrl`: give `rsvp` too. */
  signIn?: Pick<SignInRouteDependencies, 'sendMail' | 'home' | 'limits'>;
  log?: boolean;
  /** How long an API request may wait on Temporal before answering 503 (60 s unless set). */
  temporalDeadlineMs?: number;
  /** The proxies whose X-Forwarded-For gives the client's IP (infra/config.ts); none unless set. */
  trustProxy?: boolean | number | string[];
  /** The mail configuration's checks of `concerto doctor` (GET /api/admin/doctor); left out, « non vérifié ». */
  checkMail?: () => Promise<DoctorCheck[]>;
  /** Seals the linked CalDAV calendars' app passwords (CALDAV_SECRET); the secret of `rsvp` unless set.
   * With neither, calendars cannot be linked. */
  calendarSecret?: string;
}

/** The version of the API the OpenAPI document states. */
export const API_VERSION = '1.0.0';

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** The HTTP API. Anything a client sends wrong is a 4xx with a message for people, never a 500. */
export function buildHttpApp(deps: HttpAppDependencies): FastifyInstance {
  // Signed links carry their token as a path parameter, longer than find-my-way's default 100.
  // Bodies: 1 MiB, more than any JSON input needs (imports declare their own, larger, limit).
  const app = Fastify({
    logger: deps.log ? { level: 'warn' } : false,
    bodyLimit: 1_048_576,
    // Fastify takes a number of hops at run time, but its types do not: the same rule as a function.
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER },
    frameworkErrors: frenchFrameworkErrors,
    clientErrorHandler: frenchClientErrors,
  });
  limitJsonDepth(app);

  // First the hooks every route gets as it is added (its declaration collected, its Temporal calls bounded).
  const routes = collectRoutes(app);
  boundTemporalCalls(app, deps.client, deps.temporalDeadlineMs);
  handleErrors(app);

  // Sessions are Secure-only when the pages are served over TLS.
  const secureCookies = deps.rsvp?.publicUrl.startsWith('https:') ?? false;
  const now = deps.rsvp?.now ? { now: deps.rsvp.now } : {};
  const temporal = { client: deps.client, store: deps.store, taskQueue: deps.taskQueue };
  const jobs = createJobRegistry();
  const calendarSecret = deps.calendarSecret ?? deps.rsvp?.secret;
  applySecurityHeaders(app);
  registerAuth(app, {
    store: deps.store,
    secureCookies,
    ...(deps.rsvp ? { publicUrl: deps.rsvp.publicUrl } : {}),
    ...now,
  });
  registerOpenApiRoute(app, routes, { version: API_VERSION });
  void app.register(healthRoutes, deps.probes);
  void app.register(doctorRoutes, { probes: deps.probes, ...(deps.checkMail ? { checkMail: deps.checkMail } : {}) });
  void app.register(sessionRoutes, { store: deps.store, secureCookies, ...now });
  void app.register(apiTokenRoutes, { store: deps.store, ...now });
  void app.register(auditRoutes, { store: deps.store });
  void app.register(conventionRoutes, { store: deps.store });
  void app.register(runningConventionRoutes, temporal);
  void app.register(demoRoutes, { ...temporal, ...now });
  void app.register(ficheRoutes, temporal);
  void app.register(ficheContentRoutes, { client: deps.client, store: deps.store });
  void app.register(meetingRoutes, temporal);
  void app.register(calendarRoutes, temporal);
  void app.register(conventionCycleRoutes, temporal);
  void app.register(planActionsRoutes, temporal);
  void app.register(pollRoutes, temporal);
  void app.register(outboxRoutes, { catcher: deps.catcher });
  void app.register(workflowRoutes, {
    client: deps.client,
    store: deps.store,
    temporalUiUrl: deps.temporalUiUrl ?? null,
  });
  void app.register(jobRoutes, { jobs });
  void app.register(pageRoutes, {
    ...temporal,
    jobs,
    catcher: deps.catcher,
    temporalUiUrl: deps.temporalUiUrl ?? null,
    // « Mes agendas » shows the feed addresses when the feeds are served.
    ...(deps.feeds && deps.rsvp ? { feedLinks: { publicUrl: deps.rsvp.publicUrl, secret: deps.rsvp.secret } } : {}),
    ...(calendarSecret ? { calendarSecret } : {}),
  });
  void app.register(retroplanningRoutes, { store: deps.store, ...deps.retroplanning });
  if (calendarSecret) void app.register(calendarLinkRoutes, { store: deps.store, secret: calendarSecret, ...now });
  if (deps.rsvp) {
    void app.register(rsvpRoutes, { store: deps.store, ...deps.rsvp });
    // The voting pages of date polls check their links with the same secret.
    void app.register(voteRoutes, { store: deps.store, client: deps.client, secret: deps.rsvp.secret, ...now });
    void app.register(opinionRoutes, { store: deps.store, client: deps.client, secret: deps.rsvp.secret, ...now });
    void app.register(proxyRoutes, { store: deps.store, secret: deps.rsvp.secret, ...now });
  }
  if (deps.signIn) {
    if (!deps.rsvp)
      throw new Error('buildHttpApp: sign-in links are signed with the secret of `rsvp`: give `rsvp` too.');
    void app.register(signInRoutes, {
      store: deps.store,
      secret: deps.rsvp.secret,
      publicUrl: deps.rsvp.publicUrl,
      secureCookies,
      ...deps.signIn,
      ...now,
    });
  }
  if (deps.feeds) {
    if (!deps.rsvp)
      throw new Error('buildHttpApp: the calendar feeds check their links with the secret of `rsvp`: give `rsvp` too.');
    void app.register(feedRoutes, { store: deps.store, secret: deps.rsvp.secret, ...deps.feeds });
    void app.register(conventionCalendarRoutes, { store: deps.store, ...deps.feeds });
    const links = { publicUrl: deps.rsvp.publicUrl, secret: deps.rsvp.secret };
    void app.register(feedSubscriptionRoutes, { store: deps.store, links, ...now });
  }
  return app;
}
