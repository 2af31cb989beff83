import type { FastifyInstance } from 'fastify';
import { route } from '../route.js';

/** Serves one of the app pages' small scripts (/assets/…), which the pages' CSP allows as 'self'. */
export function registerPageScript(scope: FastifyInstance, script: { url: string; summary: string; body: string }) {
  route(
    scope,
    {
      method: 'GET',
      url: script.url,
      summary: script.summary,
      tag: 'pages',
      access: 'public',
      success: { status: 200, description: 'JavaScript', contentType: 'text/javascript' },
    },
    async (_request, reply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .send(script.body),
  );
}
