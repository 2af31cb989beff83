import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SIGN_IN_LIMITS, signInLimitMessage, type SignInLimits } from '../../domain/sign-in-limits.js';
import { email, parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import { LinkError, signInLink, verifyLink, type LinkPayload } from '../../infra/links/signed-links.js';
import { composeSignInMail } from '../../documents/mail/sign-in-mail.js';
import { clearSessionCookie, csrfRefused, requireViewer, sessionTokenOf, setSessionCookie } from '../plugins/auth.js';
import { sendPage } from '../pages/link-page-layout.js';
import { LINK_REFUSALS } from './rsvp.js';
import { refusedPage } from '../pages/rsvp-pages.js';
import {
  SIGN_IN_PAGE_CSP,
  SIGN_IN_SENT_MESSAGE,
  signInConfirmPage,
  signInSentPage,
} from '../pages/sign-in-link-pages.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';

/** Sends one mail; the HTTP process sends sign-in links itself: nothing durable to orchestrate. */
export type SendMail = (message: { to: string; subject: string; text: string; html: string }) => Promise<unknown>;

/** Dependencies of {@link signInRoutes}. */
export interface SignInRouteDependencies {
  store: Store;
  secret: string;
  publicUrl: string;
  sendMail: SendMail;
  secureCookies: boolean;
  /** Where a browser goes once signed in. Default: `/`. */
  home?: string;
  /** How many links may be asked for, per address, per IP and in all. Default: {@link SIGN_IN_LIMITS}. */
  limits?: SignInLimits;
  now?: () => Date;
}

export const signInSchema = z.strictObject({ email: email() });

const ASK_AGAIN = 'Demandez un nouveau lien de connexion depuis la page de connexion.';
const USED_LINK = { status: 409, title: 'Lien déjà utilisé', message: 'Ce lien de connexion a déjà servi.' };

/**
 * Signing in by a link sent by mail, without passwords: `POST /auth/sign-in {email}` (JSON or a
 * form) mails a signed, single-use link valid a few minutes and always answers the same, so nobody
 * learns which addresses have an account — within limits per address, per IP and overall, counted
 * in the database whether the address is known or not, beyond which it answers 429 with
 * Retry-After; `GET /auth/link/:token` shows a button, `POST` consumes the link and sets the session
 * cookie; `POST /auth/sign-out` ends the session (its row is deleted, so the cookie is dead
 * wherever a copy of it is). Sign-ins, refused ones and requests over a limit go to the audit log.
 */
export const signInRoutes: FastifyPluginAsync<SignInRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());
  const home = deps.home ?? '/';
  const limits = deps.limits ?? SIGN_IN_LIMITS;
  /** A sign-in, refused or not, in the audit log: on whose account (if the link says), from where, why refused. */
  const audit = (request: FastifyRequest, at: Date, email: string | null, refused?: string) =>
    deps.store.audit.record({
      actor: email ?? 'anonyme',
      action: refused ? 'signin.refused' : 'signin',
      subject: email ? `person:${email.toLowerCase()}` : 'signin',
      details: { ip: request.ip, ...(refused ? { reason: refused } : {}) },
      at,
    });

  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  route(
    scope,
    {
      method: 'POST',
      url: '/auth/sign-in',
      summary: 'Mail a single-use sign-in link (same answer whether the address is known or not)',
      tag: 'accès',
      access: 'public',
      body: {
        schema: signInSchema,
        description: 'JSON, or a form (application/x-www-form-urlencoded), which gets an HTML page',
      },
      success: { status: 202, description: '{ message }' },
      errors: [429],
    },
    async (request, reply) => {
      const { email: address } = parseInput(signInSchema, request.body, { what: 'la demande de connexion' });
      const at = now();
      const claim = await deps.store.access.claimSignInAttempt({ email: address, ip: request.ip, at }, limits);
      if (!claim.allowed) {
        await deps.store.audit.record({
          actor: 'anonyme',
          action: 'signin.limited',
          subject: `person:${address}`,
          details: { ip: request.ip, limit: claim.scope },
          at,
        });
        const message = signInLimitMessage(claim.scope, claim.retryAfterSeconds);
        void reply.header('retry-after', String(claim.retryAfterSeconds));
        if (isForm(request)) {
          return sendPage(
            reply,
            429,
            refusedPage({ title: 'Trop de demandes', message, whatToDo: 'Patientez, puis redemandez un lien.' }),
            SIGN_IN_PAGE_CSP,
          );
        }
        throw new HttpError(429, 'TOO_MANY_REQUESTS', message);
      }
      const person = await deps.store.access.findPersonByEmail(address);
      if (person) {
        const link = signInLink({ publicUrl: deps.publicUrl, secret: deps.secret, email: person.email, now: at });
        // Not awaited: an answer as fast for a known address as for an unknown one tells nothing.
        deps
          .sendMail({ to: person.email, ...composeSignInMail({ name: person.displayName, link }) })
          .catch((error: unknown) => {
            request.log.error({ err: error }, 'sign-in mail not sent');
          });
      }
      if (isForm(request)) return sendPage(reply, 202, signInSentPage(), SIGN_IN_PAGE_CSP);
      return reply.code(202).send({ message: SIGN_IN_SENT_MESSAGE });
    },
  );

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'GET',
      url: '/auth/link/:token',
      summary: 'The page a sign-in link opens: a button that confirms',
      tag: 'accès',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [409, 410],
    },
    async (request, reply) => {
      const opened = openLink(request.params.token, deps.secret, now());
      if ('refused' in opened) return refuse(reply, opened.refused);
      return sendPage(reply, 200, signInConfirmPage(opened.payload.email), SIGN_IN_PAGE_CSP);
    },
  );

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'POST',
      url: '/auth/link/:token',
      summary: 'Consume the sign-in link and set the session cookie',
      tag: 'accès',
      access: 'link',
      success: { status: 303, description: 'Signed in: Set-Cookie concerto_session, redirect to /' },
      errors: [404, 409, 410],
    },
    async (request, reply) => {
      const at = now();
      const opened = openLink(request.params.token, deps.secret, at);
      if ('refused' in opened) {
        await audit(request, at, null, opened.refused.title);
        return refuse(reply, opened.refused);
      }
      const { email } = opened.payload;
      const session = await deps.store.access.signInWithLink({ jti: opened.payload.jti, email }, at);
      if ('refused' in session) {
        await audit(request, at, email, session.refused);
        return refuse(
          reply,
          session.refused === 'LINK_ALREADY_USED'
            ? USED_LINK
            : { status: 404, title: 'Compte introuvable', message: 'Cette adresse n’a plus de compte.' },
        );
      }
      await audit(request, at, email);
      setSessionCookie(reply, session, deps.secureCookies, at);
      return reply.code(303).header('location', home).header('cache-control', 'no-store').send();
    },
  );

  route(
    scope,
    {
      method: 'POST',
      url: '/auth/sign-out',
      summary: 'End the session (its row is deleted)',
      tag: 'accès',
      access: 'public',
      success: { status: 204, description: 'Signed out' },
      errors: [403],
    },
    async (request, reply) => {
      // A live session is signed out only by a request carrying its CSRF token; a dead cookie is just cleared.
      if (csrfRefused(request)) requireViewer(request);
      const token = sessionTokenOf(request);
      if (token) await deps.store.access.deleteSession(token);
      clearSessionCookie(reply, deps.secureCookies);
      if (isForm(request)) return reply.code(303).header('location', home).send();
      return reply.code(204).send();
    },
  );
};

type Refusal = { status: number; title: string; message: string };

function openLink(token: string, secret: string, at: Date): { payload: LinkPayload } | { refused: Refusal } {
  try {
    return { payload: verifyLink(token, secret, { purpose: 'signin', now: at }) };
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    return { refused: { ...LINK_REFUSALS[error.reason], message: error.userMessage } };
  }
}

function refuse(reply: FastifyReply, refusal: Refusal) {
  return sendPage(
    reply,
    refusal.status,
    refusedPage({ title: refusal.title, message: refusal.message, whatToDo: ASK_AGAIN }),
    SIGN_IN_PAGE_CSP,
  );
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}
