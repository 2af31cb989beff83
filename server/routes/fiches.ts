import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { assertMayNameAuthor, newFicheSchema, parseNewFiche } from '../../domain/fiche.js';
import { actionSchemas } from '../../domain/lifecycle/action-schemas.js';
import { ACTION_KINDS, type ActionKind } from '../../domain/lifecycle/vocabulary.js';
import type { Store } from '../../store/index.js';
import { actionUpdates, ficheStateQuery, ficheWorkflowId } from '../../workflows/definitions.js';
import { startFiche } from '../../client/start-fiche.js';
import { HttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route, routeViewer, serverSet } from '../route.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucune fiche ne porte cet identifiant.');

/**
 * Fiche endpoints: create one (it starts its workflow, as a brouillon), read its state, and take
 * a lifecycle step (`POST /api/fiches/:id/actions/:kind`, a Temporal update whose validator refuses
 * a wrong stage, role or input before anything enters the workflow's history).
 */
export const ficheRoutes: FastifyPluginAsync<{ client: Client; store: Store; taskQueue: string }> = async (
  app,
  deps,
) => {
  route(
    app,
    {
      method: 'POST',
      url: '/api/fiches',
      summary: 'Create a fiche action (starts its workflow, as a brouillon)',
      tag: 'fiches',
      // A person of the convention, then the rule of who may name another author (domain/fiche.ts).
      access: 'domain',
      body: {
        schema: newFicheSchema(),
        description:
          'With `convention` (its slug) when there are several; `authorEmail`, another person of the convention, ' +
          'by an admin only (the creator when absent); `gtt`, the slug of the GTT drafting it, whose members are ' +
          'told of its steps (null: none in particular, every GTT is told; absent: the author’s GTT if they sit in ' +
          'one)',
      },
      success: { status: 201, description: '{ ficheId, workflowId }' },
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      const fiche = parseNewFiche(request.body, viewer.email);
      const ref = await deps.store.conventions.resolve((request.body as { convention?: unknown }).convention);
      // Any person of the convention may draft one (the GTTs write them); submitting it is the coopérateurs'.
      const creator = await actorOf(request, deps.store, ref.id);
      assertMayNameAuthor(creator, fiche.authorEmail);
      // A named author is a person of the convention, never an outside address.
      await deps.store.access.findActor(ref.id, { email: fiche.authorEmail });
      const { ficheId, handle } = await startFiche(deps, ref.id, fiche, viewer.email);
      return reply.code(201).send({ ficheId, workflowId: handle.workflowId });
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/fiches/:id',
      summary: 'A fiche’s state: stage, pending step, agenda, deadlines, history',
      tag: 'fiches',
      access: 'convention',
      success: { status: 200, description: 'The fiche state' },
      errors: [404],
    },
    async (request) => {
      if (!ID.test(request.params.id)) throw notFound();
      const fiche = await deps.store.fiches.findRef(request.params.id);
      // Until its workflow has written it to the store, a new fiche is read by any signed-in person.
      if (fiche) await actorOf(request, deps.store, fiche.conventionId);
      return deps.client.workflow.getHandle(ficheWorkflowId(request.params.id)).query(ficheStateQuery);
    },
  );

  route<{ Params: { id: string; kind: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/fiches/:id/actions/:kind',
      summary: 'Take a step of the fiche’s lifecycle, as the person signed in',
      tag: 'fiches',
      access: 'domain',
      success: { status: 200, description: 'The fiche state after the step' },
      errors: [404, 409, 422],
      variants: {
        param: 'kind',
        bodies: Object.fromEntries(ACTION_KINDS.map((kind) => [kind, serverSet(actionSchemas()[kind])])),
      },
    },
    async (request) => {
      const { id, kind } = request.params;
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
    },
  );
};
