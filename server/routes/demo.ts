import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import { loadLivingDemo } from '../../client/load-living-demo.js';
import { auditAs } from '../audit.js';
import { route } from '../route.js';
import { answerWithProgress } from '../progress-stream.js';

/** `{"live": false}` loads the setup only, as `npm start` does on an empty database; no body brings it to life. */
const demoSchema = z.strictObject({ live: z.boolean({ error: '« live » vaut true ou false.' }).optional() });

/**
 * POST /api/demo loads the demo convention and brings it to life from today (client/load-living-demo.ts):
 * `{"slug", "created", "updated", "unchanged", "removed", "live"}`, its progress streamed as NDJSON to a caller that
 * accepts it (../progress-stream.ts); the CLI draws it as a progress bar, a page can read it the same way.
 */
export const demoRoutes: FastifyPluginAsync<{
  store: Store;
  client: Client;
  taskQueue: string;
  now?: () => Date;
}> = async (app, deps) => {
  const now = deps.now ?? (() => new Date());
  route(
    app,
    {
      method: 'POST',
      url: '/api/demo',
      summary:
        'Load the demo convention (the Mellois en Poitou CTG) and bring it to life from today ({"live": false}: ' +
        'the setup only); loading it again changes nothing',
      tag: 'conventions',
      body: { schema: demoSchema },
      // Like any import of a setup, it sets who sits where, and so who may do what: admins only.
      access: 'admin',
      success: {
        status: 200,
        description:
          '{ slug, created, updated, unchanged, removed, live: { animated, meetings, fiches, answers, votes, ' +
          'seconds } }; with Accept: application/x-ndjson, its progress as NDJSON lines, then { done: … }',
      },
    },
    async (request, reply) => {
      // No body is {}; any other body, `null` included, is checked: one the schema refuses starts nothing.
      const { live } = parseInput(demoSchema, request.body === undefined ? {} : request.body, { what: 'la demande' });
      return answerWithProgress(request, reply, async (onProgress) => {
        const { slug, ...summary } = await loadLivingDemo(deps, { now: now(), onProgress, live: live ?? true });
        await auditAs(deps.store, request)('convention.loadDemo', `convention:${slug}`, summary);
        return { slug, ...summary };
      });
    },
  );
};
