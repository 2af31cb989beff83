import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SIGN_IN_LINK_MINUTES } from '../../domain/sign-in-link.js';
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
  now?: () => Date;
}

export const signInSchema = z.strictObject({ email: email() });

/**
 * Sign-in mails to one address within a link's lifetime, per process: enough to ask again, too few
 * for anyone to flood a mailbox by asking on its owner's behalf. Beyond, the answer stays the same.
 */
export const SIGN_IN_MAILS_PER_ADDRESS = 5;

const ASK_AGAIN = 'Demandez un nouveau lien de connexion depuis la page de connexion.';
const USED_LINK = { status: 409, title: 'Lien déjà utilisé', message: 'Ce lien de connexion a déjà servi.' };

/**
 * Signing in by a link sent by mail, without passwords: `POST /auth/sign-in {email}` (JSON or a
 * form) mails a signed, single-use link valid a few minutes and always answers the same, so nobody
 * learns which addresses have an account; `GET /auth/link/:token` shows a button, `POST` consumes
 * the link and sets the session cookie; `POST /auth/sign-out` ends the session (its row is deleted,
 * so the cookie is dead wherever a copy of it is).
 */
export const signInRoutes: FastifyPluginAsync<SignInRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());
  const home = deps.home ?? '/';
  // Only addresses of people are kept, so the map is bounded by the people there are.
  const mailed = new Map<string, number[]>();
  const mayMail = (email: string, at: number) => {
    const recent = (mailed.get(email) ?? []).filter((time) => at - time < SIGN_IN_LINK_MINUTES * 60_000);
    const allowed = recent.length < SIGN_IN_MAILS_PER_ADDRESS;
    mailed.set(email, allowed ? [...recent, at] : recent);
    return allowed;
  };

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
    },
    async (request, reply) => {
      const { email: address } = parseInput(signInSchema, request.body, { what: 'la demande de connexion' });
      const person = await deps.store.access.findPersonByEmail(address);
      if (person && mayMail(person.email, now().getTime())) {
        const link = signInLink({ publicUrl: deps.publicUrl, secret: deps.secret, email: person.email, now: now() });
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
      if ('refused' in opened) return refuse(reply, opened.refused);
      const session = await deps.store.access.signInWithLink(
        { jti: opened.payload.jti, email: opened.payload.email },
        at,
      );
      if ('refused' in session) {
        return refuse(
          reply,
          session.refused === 'LINK_ALREADY_USED'
            ? USED_LINK
            : { status: 404, title: 'Compte introuvable', message: 'Cette adresse n’a plus de compte.' },
        );
      }
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
