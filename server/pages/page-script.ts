import type { FastifyInstance } from 'fastify';
import { route } from '../route.js';

/** Serves one of the app pages' own scripts (the pages' CSP allows scripts from the app only). */
export function registerPageScript(app: FastifyInstance, script: { path: string; summary: string; source: string }) {
  route(
    app,
    {
      method: 'GET',
      url: script.path,
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
        .send(script.source),
  );
}
