import type { Client } from '@temporalio/client';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

/** How long an API request may wait on Temporal, when not told otherwise. */
export const DEFAULT_TEMPORAL_DEADLINE_MS = 60_000;

/**
 * Bounds every Temporal call an API request makes. An update waits for a worker to run it: with
 * none (workers down, a wrong task queue) the request would hang; past the deadline it answers a
 * 503 that says the step may still be recorded (server/errors.ts). Call before the routes
 * are registered: the hook wraps each one as it is added.
 */
export function boundTemporalCalls(app: FastifyInstance, client: Client, ms = DEFAULT_TEMPORAL_DEADLINE_MS): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const handler = route.handler as (...args: Parameters<RouteHandlerMethod>) => unknown;
    route.handler = function (this: FastifyInstance, request, reply) {
      return client.withDeadline(Date.now() + ms, async () => handler.call(this, request, reply));
    } as RouteHandlerMethod;
  });
}
