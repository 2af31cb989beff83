import type { FastifyInstance } from 'fastify';

/**
 * Headers every answer carries unless its route set its own: `X-Content-Type-Options: nosniff`
 * (a browser takes the Content-Type as said, never guesses a script in a CSV or a JSON), and
 * `Cache-Control: no-store` (API answers name people and hold tokens: no proxy or browser cache
 * keeps them). The calendar feeds and the rétroplanning pictures set their own, with their ETag.
 * Call it on the root instance, before the routes.
 */
export function applySecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('x-content-type-options')) void reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
