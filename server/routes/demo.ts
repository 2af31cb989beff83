import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { auditAs } from '../audit.js';
import { route } from '../route.js';
import { answerWithProgress } from '../progress-stream.js';

/**
 * POST /api/demo loads the demo convention (store/conventions/load-demo.ts): `{"slug", "created", "updated",
 * "unchanged", "removed"}`, its progress streamed as NDJSON to a caller that accepts it
 * (../progress-stream.ts); the CLI draws it as a progress bar, a page can read it the same way.
 */
export const demoRoutes: FastifyPluginAsync<{ store: Store }> = async (app, deps) => {
  route(
    app,
    {
      method: 'POST',
      url: '/api/demo',
      summary: 'Load the demo convention (the Mellois en Poitou CTG); loading it again changes nothing',
      tag: 'conventions',
      // Like any import of a setup, it sets who sits where, and so who may do what: admins only.
      access: 'admin',
      success: {
        status: 200,
        description:
          '{ slug, created, updated, unchanged, removed }; with Accept: application/x-ndjson, its progress as NDJSON ' +
          'lines, then { done: … }',
      },
    },
    async (request, reply) =>
      answerWithProgress(request, reply, async (onProgress) => {
        const summary = await deps.store.conventions.loadDemo(onProgress);
        await auditAs(deps.store, request)('convention.loadDemo', `convention:${DEMO_CONVENTION_SLUG}`, { ...summary });
        return { slug: DEMO_CONVENTION_SLUG, ...summary };
      }),
  );
};
