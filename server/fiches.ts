import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { parseNewFiche } from '../domain/fiche.js';
import { ACTION_KINDS, type ActionKind } from '../domain/lifecycle/vocabulary.js';
import type { Store } from '../store/index.js';
import { actionUpdates, ficheStateQuery, ficheWorkflowId } from '../workflows/definitions.js';
import { startFiche } from '../client/start-fiche.js';
import { actorOf, requireViewer } from './auth.js';
import { HttpError } from './errors.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucune fiche ne porte cet identifiant.');

/**
 * Fiche endpoints: create one (it starts its workflow, as a brouillon), read its state, and take
 * a lifecycle step (`POST /api/fiches/:id/actions/:kind`, a Temporal update whose validator refuses
 * a wrong stage, role or input before anything enters the workflow's history).
 */
export function registerFicheRoutes(
  app: FastifyInstance,
  deps: { client: Client; store: Store; taskQueue: string },
): void {
  app.post('/api/fiches', async (request, reply) => {
    requireViewer(request);
    const fiche = parseNewFiche(request.body);
    const ref = await deps.store.conventions.resolve((request.body as { convention?: unknown }).convention);
    // Any person of the convention may draft one (the GTTs write them); submitting it is the coopérateurs'.
    await actorOf(request, deps.store, ref.id);
    const { ficheId, handle } = await startFiche(deps, ref.id, fiche);
    return reply.code(201).send({ ficheId, workflowId: handle.workflowId });
  });

  app.get<{ Params: { id: string } }>('/api/fiches/:id', async (request) => {
    requireViewer(request);
    if (!ID.test(request.params.id)) throw notFound();
    const fiche = await deps.store.fiches.findRef(request.params.id);
    // Until its workflow has written it to the store, a new fiche is read by any signed-in person.
    if (fiche) await actorOf(request, deps.store, fiche.conventionId);
    return deps.client.workflow.getHandle(ficheWorkflowId(request.params.id)).query(ficheStateQuery);
  });

  app.post<{ Params: { id: string; kind: string } }>('/api/fiches/:id/actions/:kind', async (request) => {
    const { id, kind } = request.params;
    requireViewer(request);
    if (!(ACTION_KINDS as readonly string[]).includes(kind)) {
      throw new HttpError(404, 'NOT_FOUND', `Action inconnue « ${kind} » : ${ACTION_KINDS.join(', ')}.`);
    }
    if (!ID.test(id)) throw notFound();
    const fiche = await deps.store.fiches.findRef(id);
    if (!fiche) throw notFound();
    const actor = await actorOf(request, deps.store, fiche.conventionId);
    const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
    const update = actionUpdates[kind as ActionKind];
    return deps.client.workflow
      .getHandle(ficheWorkflowId(id))
      .executeUpdate(update as never, { args: [{ ...body, actor }] as never });
  });
}
