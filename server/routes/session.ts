import type { FastifyPluginAsync } from 'fastify';
import { csrfTokenOf } from '../plugins/auth.js';
import { route, routeViewer } from '../route.js';

/**
 * `GET /auth/session`: who is signed in, and — for a browser session — the CSRF token its unsafe
 * requests must carry (`x-csrf-token`). 401 when nobody is.
 */
export const sessionRoutes: FastifyPluginAsync = async (app) => {
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
};
