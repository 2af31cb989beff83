import type { FastifyInstance } from 'fastify';
import { csrfTokenOf, requireViewer } from '../plugins/auth.js';

/**
 * `GET /auth/session`: who is signed in, and — for a browser session — the CSRF token its unsafe
 * requests must carry (`x-csrf-token`). 401 when nobody is.
 */
export function registerSessionRoutes(app: FastifyInstance): void {
  app.get('/auth/session', async (request, reply) => {
    const viewer = requireViewer(request);
    return reply.header('cache-control', 'no-store').send({ viewer, csrfToken: csrfTokenOf(request) });
  });
}
