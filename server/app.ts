import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import type { MailCatcher } from '../infra/smtp-in/mail-catcher.js';
import { registerApiTokenRoutes } from './api-tokens.js';
import { registerAuth } from './auth.js';
import { registerCalendarRoutes } from './calendar.js';
import { registerConventionCalendarRoute } from './convention-calendar.js';
import { registerConventionCycleRoutes } from './convention-cycle.js';
import { registerConventionRoutes } from './conventions.js';
import { registerDemoRoute } from './demo.js';
import { toHttpError } from './errors.js';
import { boundTemporalCalls } from './temporal-deadline.js';
import { registerFeedRoutes, type FeedRouteDependencies } from './feeds.js';
import { registerFicheContentRoutes } from './fiche-content.js';
import { registerFicheRoutes } from './fiches.js';
import { registerHealth, type HealthProbes } from './health.js';
import { registerMeetingRoutes } from './meetings.js';
import { collectRoutes, registerOpenApiRoute } from './openapi.js';
import { registerOutboxRoutes } from './outbox.js';
import { registerPages } from './pages/index.js';
import { registerPollRoutes } from './polls.js';
import { registerRetroplanningRoutes, type RetroplanningRouteDependencies } from './retroplanning.js';
import { registerRsvpRoutes, type RsvpRouteDependencies } from './rsvp.js';
import { registerSessionRoutes } from './session.js';
import { registerSignInRoutes, type SignInRouteDependencies } from './sign-in.js';
import { registerVoteRoutes } from './vote.js';
import { registerWorkflowRoutes } from './workflows.js';

export interface HttpAppDependencies {
  client: Client;
  store: Store;
  taskQueue: string;
  probes: HealthProbes;
  catcher?: MailCatcher;
  /** The answer pages of invitation links (/rsvp/:token) and the voting pages of date polls
   * (/vote/:token); left out, they are not served. */
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
  signIn?: Pick<SignInRouteDependencies, 'sendMail' | 'home'>;
  log?: boolean;
  /** How long an API request may wait on Temporal before answering 503 (60 s unless set). */
  temporalDeadlineMs?: number;
}

/** The version of the API the OpenAPI document states. */
export const API_VERSION = '1.0.0';

const FASTIFY_CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Le corps de la requête n’est pas un JSON valide.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Le corps de la requête est vide : envoyez un objet JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Le corps de la requête dépasse 1 Mo.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json).',
};

/** The HTTP API. Anything a client sends wrong is a 4xx with a message for people, never a 500. */
export function buildHttpApp(deps: HttpAppDependencies): FastifyInstance {
  // Signed links carry their token as a path parameter, longer than find-my-way's default 100.
  const app = Fastify({
    logger: deps.log ? { level: 'warn' } : false,
    bodyLimit: 1_048_576,
    routerOptions: { maxParamLength: 2048 },
  });

  const routes = collectRoutes(app);
  boundTemporalCalls(app, deps.client, deps.temporalDeadlineMs);
  app.setErrorHandler((error, request, reply) => {
    // Fastify's own client errors (malformed JSON, wrong content type, body too large) carry a 4xx.
    const { statusCode: status, code } = error as { statusCode?: number; code?: string };
    if (status && status >= 400 && status < 500) {
      const message = (code && FASTIFY_CLIENT_ERRORS[code]) ?? `Requête invalide : ${(error as Error).message}`;
      return reply.code(status).send({ error: { code: code ?? 'BAD_REQUEST', message } });
    }
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    // RFC 6750: a 401 names the scheme that would do.
    if (mapped.status === 401) void reply.header('www-authenticate', 'Bearer realm="concerto"');
    return reply.code(mapped.status).send(mapped.toBody());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `Rien à l’adresse ${request.method} ${request.url}.` } }),
  );

  // Sessions are Secure-only when the pages are served over TLS.
  const secureCookies = deps.rsvp?.publicUrl.startsWith('https:') ?? false;
  registerAuth(app, { store: deps.store, secureCookies, ...(deps.rsvp?.now ? { now: deps.rsvp.now } : {}) });
  registerHealth(app, deps.probes);
  registerOpenApiRoute(app, routes, { version: API_VERSION });
  registerSessionRoutes(app);
  registerApiTokenRoutes(app, { store: deps.store, ...(deps.rsvp?.now ? { now: deps.rsvp.now } : {}) });
  registerConventionRoutes(app, { store: deps.store });
  registerDemoRoute(app, { store: deps.store });
  registerFicheRoutes(app, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  registerFicheContentRoutes(app, { client: deps.client, store: deps.store });
  registerMeetingRoutes(app, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  registerCalendarRoutes(app, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  registerConventionCycleRoutes(app, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  registerPollRoutes(app, { client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  registerOutboxRoutes(app, deps.catcher);
  registerWorkflowRoutes(app, { client: deps.client, store: deps.store, temporalUiUrl: deps.temporalUiUrl ?? null });
  registerPages(app, {
    client: deps.client,
    store: deps.store,
    taskQueue: deps.taskQueue,
    catcher: deps.catcher,
    temporalUiUrl: deps.temporalUiUrl ?? null,
  });
  registerRetroplanningRoutes(app, { store: deps.store, ...deps.retroplanning });
  if (deps.rsvp) {
    registerRsvpRoutes(app, { store: deps.store, ...deps.rsvp });
    // The voting pages of date polls check their links with the same secret.
    registerVoteRoutes(app, {
      store: deps.store,
      client: deps.client,
      secret: deps.rsvp.secret,
      ...(deps.rsvp.now ? { now: deps.rsvp.now } : {}),
    });
  }
  if (deps.signIn) {
    if (!deps.rsvp)
      throw new Error('buildHttpApp: sign-in links are signed with the secret of `rsvp`: give `rsvp` too.');
    registerSignInRoutes(app, {
      store: deps.store,
      secret: deps.rsvp.secret,
      publicUrl: deps.rsvp.publicUrl,
      secureCookies,
      ...deps.signIn,
      ...(deps.rsvp.now ? { now: deps.rsvp.now } : {}),
    });
  }
  if (deps.feeds) {
    if (!deps.rsvp)
      throw new Error('buildHttpApp: the calendar feeds check their links with the secret of `rsvp`: give `rsvp` too.');
    registerFeedRoutes(app, { store: deps.store, secret: deps.rsvp.secret, ...deps.feeds });
    registerConventionCalendarRoute(app, { store: deps.store, ...deps.feeds });
  }
  return app;
}
