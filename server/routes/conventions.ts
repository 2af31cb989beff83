import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { assertMayExportConvention } from '../../domain/access.js';
import { conventionSetupSchema } from '../../domain/convention-setup.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { answerWithProgress } from '../progress-stream.js';
import { auditAs } from '../audit.js';
import { route } from '../route.js';

// A whole setup or a members list can be larger than an ordinary request.
export const IMPORT_LIMIT = 10 * 1_048_576;

async function existing(store: Store, slug: string): Promise<{ id: string; slug: string }> {
  const found = await store.conventions.findBySlug(slug);
  if (!found) throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${slug} ».`);
  return found;
}

type BySlug = { Params: { slug: string } };

/** The audit subject of an imported setup: its convention, by the slug the setup gives it. */
export function setupSubject(setup: unknown): string {
  const slug = (setup as { convention?: { slug?: unknown } } | null)?.convention?.slug;
  return `convention:${typeof slug === 'string' ? slug : '?'}`;
}

/**
 * Conventions: the list, and import / export of a whole setup (JSON) and of members (CSV, as
 * staff keep them in spreadsheets). Imports write everything or nothing; their errors list every
 * problem with its field or line. The list is for anyone signed in; exports, which name everyone,
 * for the convention's coopérateurs and the admins; imports, which replace who sits where (and so
 * who may do what), for the admins only.
 */
export const conventionRoutes: FastifyPluginAsync<{ store: Store }> = async (app, deps) => {
  const exported = {
    access: 'steward',
    convention: async (request: FastifyRequest<BySlug>) => (await existing(deps.store, request.params.slug)).id,
    steward: assertMayExportConvention,
    errors: [404],
  } as const;

  // CSV is accepted by the members import only: the parser lives in that route's own scope.
  void app.register(async (csvScope) => {
    csvScope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    route<BySlug>(
      csvScope,
      {
        method: 'POST',
        url: '/api/conventions/:slug/members.csv',
        summary: 'Import the members (CSV: email;nom;fonction;structure;instance;role;siege;represente)',
        tag: 'conventions',
        access: 'admin',
        body: { contentType: 'text/csv', description: 'The CSV file, as spreadsheets save it' },
        success: { status: 200, description: '{ imported }' },
        errors: [404, 415, 422],
      },
      async (request) => {
        if (typeof request.body !== 'string') {
          throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Envoyez le fichier CSV avec Content-Type: text/csv.');
        }
        const { slug } = await existing(deps.store, request.params.slug);
        const imported = await deps.store.conventions.importMembersCsv(slug, request.body);
        await auditAs(deps.store, request)('convention.importMembers', `convention:${slug}`, { ...imported });
        return { imported };
      },
    );
  });

  route(
    app,
    {
      method: 'GET',
      url: '/api/conventions',
      summary: 'The conventions',
      tag: 'conventions',
      access: 'signed-in',
      success: { status: 200, description: '{ conventions }' },
    },
    async () => {
      const conventions = await deps.store.conventions.list();
      return { conventions };
    },
  );

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/setup',
      summary: 'Export the convention’s whole setup (JSON file)',
      tag: 'conventions',
      ...exported,
      success: { status: 200, description: 'The setup' },
    },
    async (request, reply) => {
      const { slug } = request.params;
      return reply
        .header('content-disposition', `attachment; filename="${slug}.json"`)
        .send(await deps.store.conventions.exportSetup(slug));
    },
  );

  // Its progress streams as NDJSON to a caller that asks for it (../progress-stream.ts).
  route(
    app,
    {
      method: 'PUT',
      url: '/api/conventions/setup',
      summary: 'Import a whole setup: all or nothing, every problem listed',
      tag: 'conventions',
      access: 'admin',
      body: { schema: conventionSetupSchema() },
      success: {
        status: 200,
        description:
          '{ imported }; with Accept: application/x-ndjson, its progress as NDJSON lines { progress: { done, total, ' +
          'step } }, then { done: { imported } }',
      },
      errors: [422],
      bodyLimit: IMPORT_LIMIT,
    },
    async (request, reply) =>
      answerWithProgress(request, reply, async (onProgress) => {
        const imported = await deps.store.conventions.importSetup(request.body, onProgress ? { onProgress } : {});
        await auditAs(deps.store, request)('convention.import', setupSubject(request.body), { ...imported });
        return { imported };
      }),
  );

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/members.csv',
      summary: 'Export the members (CSV)',
      tag: 'conventions',
      ...exported,
      success: { status: 200, description: 'CSV file', contentType: 'text/csv' },
    },
    async (request, reply) => {
      const { slug } = request.params;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${slug}-membres.csv"`)
        .send(await deps.store.conventions.exportMembersCsv(slug));
    },
  );
};
