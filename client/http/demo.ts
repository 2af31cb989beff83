import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/load-demo.js';
import { toHttpError } from './errors.js';

/** The media type of POST /api/demo's answer: one JSON object a line, sent as the work goes. */
export const PROGRESS_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/**
 * POST /api/demo loads the demo convention (store/load-demo.ts) and streams its progress as NDJSON:
 * `{"progress":{"done","total","step"}}` lines as records are written, then
 * `{"done":{"slug","created","updated","unchanged","removed"}}`, or `{"error":{…}}` if it failed
 * once the answer had begun (its status is already 200 then). The CLI shows these lines as a
 * progress bar; a page can read them the same way.
 */
export function registerDemoRoute(app: FastifyInstance, deps: { prisma: PrismaClient }): void {
  app.post('/api/demo', async (request, reply) => {
    const stream = new PassThrough();
    const line = (value: unknown) => stream.write(`${JSON.stringify(value)}\n`);
    loadDemo(deps.prisma, (done, total, step) => line({ progress: { done, total, step } })).then(
      (summary) => stream.end(`${JSON.stringify({ done: { slug: DEMO_CONVENTION_SLUG, ...summary } })}\n`),
      (error: unknown) => {
        const mapped = toHttpError(error);
        if (mapped.status >= 500) request.log.error({ err: error }, 'demo loading failed');
        stream.end(`${JSON.stringify(mapped.toBody())}\n`);
      },
    );
    return reply.header('content-type', PROGRESS_CONTENT_TYPE).header('cache-control', 'no-store').send(stream);
  });
}
