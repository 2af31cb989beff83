import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertMayManageCycle } from '../domain/convention-cycle.js';
import type { Store } from '../store/index.js';
import { conventionCycleStateQuery, conventionWorkflowId, prolongUpdate } from '../workflows/convention-definitions.js';
import { startConventionCycle } from '../client/start-convention-cycle.js';
import { actorOf } from './auth.js';
import { HttpError } from './errors.js';

type Body = { newEndDate?: unknown; motif?: unknown };
const bodyOf = (body: unknown): Body => (typeof body === 'object' && body !== null ? body : {}) as Body;

/**
 * The convention's cycle over its years: its state (campaigns, who answered, the COPIL's reviews,
 * amendments), starting it, and prolonging the convention by amendment.
 */
export function registerConventionCycleRoutes(
  app: FastifyInstance,
  deps: { client: Client; store: Store; taskQueue: string },
): void {
  /** The convention's cycle workflow, and the viewer as one of its people (401 / 403 otherwise). */
  const handleOf = async (request: FastifyRequest, slug: string) => {
    const convention = await deps.store.conventions.resolve(slug);
    const actor = await actorOf(request, deps.store, convention.id);
    return { convention, actor, handle: deps.client.workflow.getHandle(conventionWorkflowId(convention.id)) };
  };
  const notStarted = (error: unknown) =>
    error instanceof WorkflowNotFoundError
      ? new HttpError(
          404,
          'NOT_FOUND',
          'Le cycle de cette convention n’est pas lancé : lancez-le (POST …/cycle), ou donnez les règles de son calendrier.',
        )
      : error;

  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/cycle', async (request) => {
    const { handle } = await handleOf(request, request.params.slug);
    return handle.query(conventionCycleStateQuery).catch((error: unknown) => {
      throw notStarted(error);
    });
  });

  app.post<{ Params: { slug: string } }>('/api/conventions/:slug/cycle', async (request, reply) => {
    const { convention, actor } = await handleOf(request, request.params.slug);
    assertMayManageCycle(actor, 'lance le cycle de la convention');
    const started = await startConventionCycle(deps, convention.id);
    return reply.code(started.started ? 201 : 200).send(started);
  });

  app.post<{ Params: { slug: string } }>('/api/conventions/:slug/amendments', async (request, reply) => {
    const { actor, handle } = await handleOf(request, request.params.slug);
    const body = bodyOf(request.body);
    const state = await handle
      .executeUpdate(prolongUpdate, {
        args: [{ actor, newEndDate: String(body.newEndDate ?? ''), motif: String(body.motif ?? '') }],
      })
      .catch((error: unknown) => {
        throw notStarted(error);
      });
    return reply.code(201).send({ amendment: state.amendments.at(-1), endDate: state.endDate, cycle: state });
  });
}
