import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertMayExportConvention } from '../domain/access.js';
import type { Store } from '../store/index.js';
import { actorOf, requireAdmin, requireViewer } from './auth.js';
import { HttpError } from './errors.js';
import { answerWithProgress } from './progress-stream.js';

// A whole setup or a members list can be larger than an ordinary request.
export const IMPORT_LIMIT = 10 * 1_048_576;

async function existing(store: Store, slug: string): Promise<{ id: string; slug: string }> {
  const found = await store.conventions.findBySlug(slug);
  if (!found) throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${slug} ».`);
  return found;
}

/** The convention, once the viewer is one of its coopérateurs or an admin: its exports name everyone. */
async function exportable(request: FastifyRequest, store: Store, slug: string): Promise<string> {
  requireViewer(request);
  const convention = await existing(store, slug);
  assertMayExportConvention(await actorOf(request, store, convention.id));
  return convention.slug;
}

/**
 * Conventions: the list, and import / export of a whole setup (JSON) and of members (CSV, as
 * staff keep them in spreadsheets). Imports write everything or nothing; their errors list every
 * problem with its field or line. The list is for anyone signed in; exports for the convention's
 * coopérateurs and the admins; imports, which replace who sits where (and so who may do what),
 * for the admins only.
 */
export function registerConventionRoutes(app: FastifyInstance, deps: { store: Store }): void {
  // CSV is accepted by the members import only: the parser lives in that route's own scope.
  void app.register(async (csvScope) => {
    csvScope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    csvScope.post<{ Params: { slug: string } }>('/api/conventions/:slug/members.csv', async (request) => {
      requireAdmin(request);
      if (typeof request.body !== 'string') {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Envoyez le fichier CSV avec Content-Type: text/csv.');
      }
      const { slug } = await existing(deps.store, request.params.slug);
      return { imported: await deps.store.conventions.importMembersCsv(slug, request.body) };
    });
  });

  app.get('/api/conventions', async (request) => {
    requireViewer(request);
    const conventions = await deps.store.conventions.list();
    return { conventions };
  });

  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/setup', async (request, reply) => {
    const slug = await exportable(request, deps.store, request.params.slug);
    return reply
      .header('content-disposition', `attachment; filename="${slug}.json"`)
      .send(await deps.store.conventions.exportSetup(slug));
  });

  // Its progress streams as NDJSON to a caller that asks for it (./progress-stream.ts).
  app.put('/api/conventions/setup', { bodyLimit: IMPORT_LIMIT }, async (request, reply) => {
    requireAdmin(request);
    return answerWithProgress(request, reply, async (onProgress) => ({
      imported: await deps.store.conventions.importSetup(request.body, onProgress ? { onProgress } : {}),
    }));
  });

  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/members.csv', async (request, reply) => {
    const slug = await exportable(request, deps.store, request.params.slug);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${slug}-membres.csv"`)
      .send(await deps.store.conventions.exportMembersCsv(slug));
  });
}
