import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { MailCatcher } from '../infra/smtp-in/mail-catcher.js';
import { registerApiTokenRoutes } from './routes/api-tokens.js';
import { registerAuth } from './plugins/auth.js';
import { registerCalendarRoutes } from './routes/calendar.js';
import { registerConventionCalendarRoute } from './routes/convention-calendar.js';
import { registerConventionCycleRoutes } from './routes/convention-cycle.js';
import { registerConventionRoutes } from './routes/conventions.js';
import { registerDemoRoute } from './routes/demo.js';
import { toHttpError } from './errors.js';
import { boundTemporalCalls } from './plugins/temporal-deadline.js';
import { registerFeedRoutes, type FeedRouteDependencies } from './routes/feeds.js';
import { registerFicheContentRoutes } from './routes/fiche-content.js';
import { registerFicheRoutes } from './routes/fiches.js';
import { registerHealth, type HealthProbes } from './routes/health.js';
import { registerMeetingRoutes } from './routes/meetings.js';
import { collectRoutes, registerOpenApiRoute } from './plugins/openapi.js';
import { registerOutboxRoutes } from './routes/outbox.js';
import { registerPages } from './pages/index.js';
import { registerPollRoutes } from './routes/polls.js';
import { registerRetroplanningRoutes, type RetroplanningRouteDependencies } from './routes/retroplanning.js';
import { registerRsvpRoutes, type RsvpRouteDependencies } from './routes/rsvp.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerSignInRoutes, type SignInRouteDependencies } from './routes/sign-in.js';
import { registerVoteRoutes } from './routes/vote.js';
import { registerWorkflowRoutes } from './routes/workflows.js';

export interface HttpAppDependencies {
  client: Client;
  prisma: PrismaClient;
  taskQueue: string;
  probes: HealthProbes;
  catcher?: MailCatcher;
  /** The answer pages of invitation links (/rsvp/:token) and the voting pages of date polls
   * (/vote/:token); left out, they are not served. */
  rsvp?: Omit<RsvpRouteDependencies, 'prisma'>;
  /** The calendar feeds (/feeds/…) and the API's calendar of a convention
   * (/api/conventions/:slug/calendar.ics); left out, they are not served. Their links are checked with
   * the secret of `rsvp`, which must be given too: one secret signs every link. */
  feeds?: Omit<FeedRouteDependencies, 'prisma' | 'secret'>;
  /** Options of the rétroplanning pictures (/conventions/:slug/retroplanning/…), always served. */
  retroplanning?: Omit<RetroplanningRouteDependencies, 'prisma'>;
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
  registerAuth(app, { prisma: deps.prisma, secureCookies, ...(deps.rsvp?.now ? { now: deps.rsvp.now } : {}) });
  registerHealth(app, deps.probes);
  registerOpenApiRoute(app, routes, { version: API_VERSION });
  registerSessionRoutes(app);
  registerApiTokenRoutes(app, { prisma: deps.prisma, ...(deps.rsvp?.now ? { now: deps.rsvp.now } : {}) });
  registerConventionRoutes(app, { prisma: deps.prisma });
  registerDemoRoute(app, { prisma: deps.prisma });
  registerFicheRoutes(app, { client: deps.client, prisma: deps.prisma, taskQueue: deps.taskQueue });
  registerFicheContentRoutes(app, { client: deps.client, prisma: deps.prisma });
  registerMeetingRoutes(app, { client: deps.client, prisma: deps.prisma, taskQueue: deps.taskQueue });
  registerCalendarRoutes(app, { client: deps.client, prisma: deps.prisma, taskQueue: deps.taskQueue });
  registerConventionCycleRoutes(app, { client: deps.client, prisma: deps.prisma, taskQueue: deps.taskQueue });
  registerPollRoutes(app, { client: deps.client, prisma: deps.prisma, taskQueue: deps.taskQueue });
  registerOutboxRoutes(app, deps.catcher);
  registerWorkflowRoutes(app, { client: deps.client, prisma: deps.prisma, temporalUiUrl: deps.temporalUiUrl ?? null });
  registerPages(app, {
    client: deps.client,
    prisma: deps.prisma,
    taskQueue: deps.taskQueue,
    catcher: deps.catcher,
    temporalUiUrl: deps.temporalUiUrl ?? null,
  });
  registerRetroplanningRoutes(app, { prisma: deps.prisma, ...deps.retroplanning });
  if (deps.rsvp) {
    registerRsvpRoutes(app, { prisma: deps.prisma, ...deps.rsvp });
    // The voting pages of date polls check their links with the same secret.
    registerVoteRoutes(app, {
      prisma: deps.prisma,
      client: deps.client,
      secret: deps.rsvp.secret,
      ...(deps.rsvp.now ? { now: deps.rsvp.now } : {}),
    });
  }
  if (deps.signIn) {
    if (!deps.rsvp)
      throw new Error('buildHttpApp: sign-in links are signed with the secret of `rsvp`: give `rsvp` too.');
    registerSignInRoutes(app, {
      prisma: deps.prisma,
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
    registerFeedRoutes(app, { prisma: deps.prisma, secret: deps.rsvp.secret, ...deps.feeds });
    registerConventionCalendarRoute(app, { prisma: deps.prisma, ...deps.feeds });
  }
  return app;
}
