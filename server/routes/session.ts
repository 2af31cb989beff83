import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.js';
import { clearSessionCookie, csrfTokenOf } from '../plugins/auth.js';
import { route, routeViewer } from '../route.js';

/** Where a browser lands once signed out everywhere: the sign-in page, which says so. */
export const SIGNED_OUT_EVERYWHERE_PAGE = '/connexion?fin=partout';

/**
 * `GET /auth/session`: who is signed in, and — for a browser session — the CSRF token its unsafe
 * requests must carry (`x-csrf-token`). 401 when nobody is. `POST /auth/sign-out-everywhere`: ends
 * every session of the person (a lost phone, a shared computer), this browser's too, in the audit
 * log; a form lands on the sign-in page. Their API tokens stay: they are revoked one by one.
 */
export const sessionRoutes: FastifyPluginAsync<{ store: Store; secureCookies: boolean; now?: () => Date }> = async (
  app,
  deps,
) => {
  const now = deps.now ?? (() => new Date());
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/auth/session',
      summary: 'Who is signed in, and the CSRF token of a browser session',
      tag: 'accès',
      access: 'signed-in',
      success: { status: 200, description: '{ viewer, csrfToken }' },
    },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send({ viewer: routeViewer(request), csrfToken: csrfTokenOf(request) }),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/auth/sign-out-everywhere',
      summary: 'End every session of the person signed in, on every browser (a form: 303 to the sign-in page)',
      tag: 'accès',
      access: 'signed-in',
      success: { status: 200, description: '{ ended }: how many sessions were ended' },
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      const ended = await deps.store.access.deleteSessionsOf(viewer.personId);
      await deps.store.audit.record({
        actor: viewer.email,
        action: 'signout.everywhere',
        subject: `person:${viewer.email}`,
        details: { ended },
        at: now(),
      });
      clearSessionCookie(reply, deps.secureCookies);
      if (isForm(request)) return reply.code(303).header('location', SIGNED_OUT_EVERYWHERE_PAGE).send();
      return reply.code(200).send({ ended });
    },
  );
};

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}
