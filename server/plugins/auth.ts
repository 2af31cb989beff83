/**
 * Who makes each request: `request.viewer`, read from the session cookie (`concerto_session`, set
 * by the sign-in link: ../routes/sign-in.ts) or an API token (`Authorization: Bearer cct_…`:
 * ../routes/api-tokens.ts), and never from what the request body claims. The access a route declares (../route.ts) asks
 * {@link requireViewer} or {@link requireAdmin} before its handler; {@link actorOf} derives the
 * person's role in a convention from their seats (domain/access.ts), for the access check of a
 * route that names its convention and for the domain routes' handlers.
 *
 * CSRF: a browser sends the cookie with any request, even one another site makes it send. So an
 * unsafe request (POST, PUT, PATCH, DELETE) signed in by the cookie counts as signed in only with
 * the session's CSRF token — header `x-csrf-token` or form field `_csrf` — which pages get from
 * {@link csrfTokenOf}. Without it, the request is anonymous and a route that needs someone
 * answers 403 CSRF_TOKEN_INVALID. Bearer tokens are never sent by a browser on its own: exempt.
 * The signed-link pages (/rsvp, /vote, /auth/link) are authorised by their link, not the cookie.
 *
 * Origin: every unsafe request a browser makes — signed in by cookie, by a signed link, or by nobody
 * (the sign-in link's POST, whose forgery would sign the victim in as the forger) — must come from
 * this application's own pages: {@link isSameOrigin} reads Sec-Fetch-Site, else Origin, else Referer,
 * and anything else is a 403 ORIGIN_REFUSED before the body is read. A request with none of them is
 * no browser's; a Bearer request is a program's: both pass.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from '../../domain/access.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';

export type { Viewer };

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is signed in for this request, or null (anonymous). */
    viewer: Viewer | null;
    /**
     * The route's convention and the person as its actor, once its access check found them (../route.ts); else
     * null.
     */
    convention: { id: string; actor: Actor } | null;
  }
  interface FastifyInstance {
    /** The signed-in person as an actor of the convention: {@link actorOf} with the app's store. */
    actorIn(request: FastifyRequest, conventionId: string): Promise<Actor>;
  }
}

export const SESSION_COOKIE = 'concerto_session';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

/** Dependencies of {@link registerAuth}. */
export interface AuthDependencies {
  store: Store;
  /** Mark the cookie `Secure` (PUBLIC_URL is https): the browser then sends it over TLS only. */
  secureCookies: boolean;
  /** The application's public address (PUBLIC_URL): a request from its origin is its own pages'. */
  publicUrl?: string;
  /** Default: the clock. */
  now?: () => Date;
}

/** Why a request that needed someone has no viewer, for the 401/403 it gets. */
type Refusal = 'bad_token' | 'csrf';

/** Per-request secrets kept off the request object, so no serializer or log ever sees them. */
const sessionTokens = new WeakMap<FastifyRequest, string>();
const refusals = new WeakMap<FastifyRequest, Refusal>();

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Decorates every request of `app` with `viewer`. Call it on the root instance, before the routes. */
export function registerAuth(app: FastifyInstance, deps: AuthDependencies): void {
  const now = deps.now ?? (() => new Date());
  app.decorateRequest('viewer', null);
  app.decorateRequest('convention', null);
  app.decorate('actorIn', (request: FastifyRequest, conventionId: string) =>
    actorOf(request, deps.store, conventionId),
  );

  const publicOrigin = deps.publicUrl ? new URL(deps.publicUrl).origin : null;
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (UNSAFE_METHODS.has(request.method) && authorization === undefined && !isSameOrigin(request, publicOrigin)) {
      throw new HttpError(
        403,
        'ORIGIN_REFUSED',
        'Cette demande vient d’un autre site que Concerto : elle est refusée. ' +
          'Si vous l’avez faite vous-même, recommencez depuis les pages de Concerto.',
      );
    }
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      request.viewer = bearer ? await deps.store.access.viewerOfApiToken(bearer, now()) : null;
      if (!request.viewer) refusals.set(request, 'bad_token');
      return;
    }
    const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!token) return;
    request.viewer = await deps.store.access.viewerOfSession(token, now());
    if (request.viewer) sessionTokens.set(request, token);
  });

  // After the body is parsed, so the form field can be read.
  app.addHook('preHandler', async (request) => {
    const body = request.body;
    const field =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)[CSRF_FIELD]
        : undefined;
    // The field is the transport's, not the route's: strict input schemas must not see it.
    if (field !== undefined) delete (body as Record<string, unknown>)[CSRF_FIELD];
    if (request.viewer?.via !== 'session' || !UNSAFE_METHODS.has(request.method)) return;
    const header = request.headers[CSRF_HEADER];
    const given = typeof header === 'string' ? header : typeof field === 'string' ? field : formField(body, CSRF_FIELD);
    const expected = csrfTokenOf(request);
    if (!given || !expected || !sameText(given, expected)) {
      request.viewer = null;
      refusals.set(request, 'csrf');
    }
  });
}

/**
 * The CSRF token of the request's session, for pages to put in their forms (`_csrf`) or scripts in
 * `x-csrf-token`; null without a session. Derived from the session's secret, so it needs no
 * storage and dies with the session.
 */
export function csrfTokenOf(request: FastifyRequest): string | null {
  const token = sessionTokens.get(request);
  return token ? createHmac('sha256', token).update('concerto-csrf').digest('base64url') : null;
}

/** The signed-in viewer, or a 401 (403 for a missing CSRF token) for people and programs. */
export function requireViewer(request: FastifyRequest): Viewer {
  if (request.viewer) return request.viewer;
  switch (refusals.get(request)) {
    case 'csrf':
      throw new HttpError(
        403,
        'CSRF_TOKEN_INVALID',
        'Jeton anti-falsification (CSRF) absent ou erroné : rechargez la page et recommencez.',
      );
    case 'bad_token':
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        'Ce jeton d’API n’est pas valide, a expiré ou a été révoqué : créez-en un autre depuis votre compte.',
      );
    default:
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        'Connectez-vous : demandez un lien de connexion par courriel (POST /auth/sign-in) ou utilisez un jeton d’API.',
      );
  }
}

/** The signed-in viewer if an admin, else 401 or 403. */
export function requireAdmin(request: FastifyRequest): Viewer {
  const viewer = requireViewer(request);
  if (!viewer.admin) throw new HttpError(403, 'ROLE_NOT_ALLOWED', 'Seul un administrateur peut faire cela.');
  return viewer;
}

/**
 * The signed-in person as an actor of the convention, with the role their seats and admin flag
 * give them there (domain/access.ts): 401 without a viewer, 403 for a person with no part in it.
 */
export async function actorOf(request: FastifyRequest, store: Store, conventionId: string): Promise<Actor> {
  const viewer = requireViewer(request);
  return store.access.findActor(conventionId, { id: viewer.personId });
}

/** Whether the request came with a live session but without its CSRF token. */
export function csrfRefused(request: FastifyRequest): boolean {
  return refusals.get(request) === 'csrf';
}

/** The session's secret of the request, to sign it out. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  return sessionTokens.get(request) ?? cookieValue(request.headers.cookie, SESSION_COOKIE);
}

/** Sets the session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent by other sites' forms). */
export function setSessionCookie(
  reply: FastifyReply,
  session: { token: string; expiresAt: Date },
  secure: boolean,
  now: Date,
): void {
  const maxAge = Math.max(0, Math.round((session.expiresAt.getTime() - now.getTime()) / 1000));
  void reply.header('set-cookie', cookie(session.token, maxAge, secure));
}

/** Removes the session cookie from the browser. */
export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.header('set-cookie', cookie('', 0, secure));
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * Whether a request comes from the application's own pages, as the browser says: Sec-Fetch-Site
 * (`same-origin`, or `none` for an address typed by the person; first, because a page served with
 * `Referrer-Policy: no-referrer`, as the signed-link pages are, posts with `Origin: null`), else the
 * Origin header (the public address's origin, or the host the request was sent to), else the
 * Referer's origin. A request that carries none of them was not made by a browser's page: it passes.
 */
export function isSameOrigin(request: FastifyRequest, publicOrigin: string | null): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = request.headers.origin;
  if (origin !== undefined) return ownOrigin(origin, request, publicOrigin);
  const referer = request.headers.referer;
  return referer === undefined || ownOrigin(referer, request, publicOrigin);
}

function ownOrigin(address: string, request: FastifyRequest, publicOrigin: string | null): boolean {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    // `Origin: null` (a sandboxed frame, a redirect across sites) and garbage alike.
    return false;
  }
  return url.origin === publicOrigin || (url.host !== '' && url.host === hostOf(url.protocol, request.headers.host));
}

/** The Host header as a URL of that scheme has it (its default port left out), or null. */
function hostOf(protocol: string, host: string | undefined): string | null {
  try {
    return host ? new URL(`${protocol}//${host}`).host : null;
  } catch {
    return null;
  }
}

/** One cookie's value from a Cookie header (RFC 6265: `name=value` pairs separated by `; `). */
function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || null;
  }
  return null;
}

/** A field of a form body left as text (application/x-www-form-urlencoded not parsed by the route). */
function formField(body: unknown, name: string): string | null {
  return typeof body === 'string' ? new URLSearchParams(body).get(name) : null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
