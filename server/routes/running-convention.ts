import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { runningConventionSchema } from '../../domain/running-convention.js';
import type { Store } from '../../store/index.js';
import { importRunningConvention } from '../../client/import-running-convention.js';
import { auditAs } from '../audit.js';
import { HttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';
import { IMPORT_LIMIT } from './conventions.js';

type BySlug = { Params: { slug: string } };

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
      summary: 'Import a running convention: meetings held, fiches at their stage, decisions taken',
      tag: 'conventions',
      access: 'admin',
      body: { schema: runningConventionSchema },
      success: {
        status: 201,
        description: '{ imported: { meetings, decisions, fiches: [{ ficheId, workflowId, code, title }] } }',
      },
      errors: [404],
      bodyLimit: IMPORT_LIMIT,
    },
    async (request, reply) => {
      const { slug } = request.params;
      const convention = await deps.store.conventions.findBySlug(slug);
      if (!convention) throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${slug} ».`);
      const imported = await importRunningConvention(deps, convention.id, request.body, routeViewer(request).email);
      await auditAs(deps.store, request)('convention.importRunning', `convention:${slug}`, {
        meetings: imported.meetings,
        decisions: imported.decisions,
        fiches: imported.fiches.length,
      });
      return reply.status(201).send({ imported });
    },
  );
};
