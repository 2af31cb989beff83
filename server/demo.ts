import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { DEMO_CONVENTION_SLUG } from '../store/conventions/load-demo.js';
import { requireAdmin } from './auth.js';
import { answerWithProgress } from './progress-stream.js';

/**
 * POST /api/demo loads the demo convention (store/conventions/load-demo.ts): `{"slug", "created", "updated",
 * "unchanged", "removed"}`, its progress streamed as NDJSON to a caller that accepts it
 * (./progress-stream.ts); the CLI draws it as a progress bar, a page can read it the same way.
 */
export function registerDemoRoute(app: FastifyInstance, deps: { store: Store }): void {
  app.post('/api/demo', async (request, reply) => {
    // Like any import of a setup, it sets who sits where, and so who may do what: admins only.
    requireAdmin(request);
    return answerWithProgress(request, reply, async (onProgress) => ({
      slug: DEMO_CONVENTION_SLUG,
      ...(await deps.store.conventions.loadDemo(onProgress)),
    }));
  });
}
