import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { runningConventionSchema } from '../../domain/running-convention.js';
import type { Store } from '../../store/index.js';
import {
  importRunningConvention,
  previewRunningConvention,
  type RunningImportSummary,
} from '../../client/import-running-convention.js';
import { auditAs } from '../audit.js';
import { HttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';
import { IMPORT_LIMIT } from './conventions.js';

type BySlug = { Params: { slug: string }; Querystring: { dryRun?: 'true' | 'false' } };

const dryRunQuery = z.object({
  dryRun: z
    .enum(['true', 'false'], { error: '« dryRun » vaut « true » ou « false ».' })
    .optional()
    .describe(
      '`true`: check the file and its references as the import does, write nothing, start nothing, and answer 200 ' +
        '{ preview: { meetings, decisions, opinions, stages: [{ stage, fiches }], fiches: [{ code, title, stage }] } }',
    ),
});

/** The import of a running convention and its audit line, as the API and the import page run them. */
export async function importRunning(
  deps: { client: Client; store: Store; taskQueue: string },
  audit: ReturnType<typeof auditAs>,
  convention: { id: string; slug: string },
  file: unknown,
  importedBy: string,
): Promise<RunningImportSummary> {
  const imported = await importRunningConvention(deps, convention.id, file, importedBy);
  await audit('convention.importRunning', `convention:${convention.slug}`, {
    meetings: imported.meetings,
    decisions: imported.decisions,
    fiches: imported.fiches.length,
  });
  return imported;
}

/**
 * A convention that already runs, imported once its setup is in: its meetings held, its fiches at their
 * stage with their versions, the decisions taken (domain/running-convention.ts). All or nothing, every
 * problem listed with its JSON path; each fiche's workflow then starts at its stage. Admins only: it
 * writes decisions in the bodies' names.
 */
export const runningConventionRoutes: FastifyPluginAsync<{ client: Client; store: Store; taskQueue: string }> = async (
  app,
  deps,
) => {
  route<BySlug>(
    app,
    {
      method: 'PUT',
      url: '/api/conventions/:slug/running',
      summary:
        'Import a running convention: meetings held, fiches at their stage, decisions taken (`?dryRun=true`: preview)',
      tag: 'conventions',
      access: 'admin',
      body: { schema: runningConventionSchema() },
      query: dryRunQuery,
      success: {
        status: 201,
        description:
          '{ imported: { meetings, decisions, fiches: [{ ficheId, workflowId, code, title }] } }; ' +
          'with `?dryRun=true`, 200 { preview } and nothing written',
      },
      errors: [404],
      bodyLimit: IMPORT_LIMIT,
    },
    async (request, reply) => {
      const { slug } = request.params;
      const convention = await deps.store.conventions.findBySlug(slug);
      if (!convention) throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${slug} ».`);
      if (request.query.dryRun === 'true')
        return reply.status(200).send({ preview: await previewRunningConvention(deps, convention.id, request.body) });
      const audit = auditAs(deps.store, request);
      const imported = await importRunning(deps, audit, convention, request.body, routeViewer(request).email);
      return reply.status(201).send({ imported });
    },
  );
};
