import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { parseContentEdit } from '../domain/fiche-content.js';
import { STAGES } from '../domain/lifecycle/vocabulary.js';
import type { Store } from '../store/index.js';
import { editContentUpdate, ficheWorkflowId } from '../workflows/definitions.js';
import { actorOf } from './auth.js';
import { HttpError } from './errors.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucune fiche ne porte cet identifiant.');

/**
 * What fiches say: the convention's list, each fiche's versions with what each changed, and
 * writing a draft. The edit is an update of the fiche's workflow, so it is refused once the fiche
 * is under review and it shows in the fiche's history; its references (enjeu, objectifs, pilote,
 * partenaires) are checked here first, so a wrong code is a 400 that never reaches the workflow.
 */
export function registerFicheContentRoutes(app: FastifyInstance, deps: { client: Client; store: Store }): void {
  const ficheOf = async (id: string) => {
    const fiche = ID.test(id) ? await deps.store.fiches.findRef(id) : null;
    if (!fiche) throw notFound();
    return fiche;
  };

  app.get<{ Querystring: { convention?: string; status?: string } }>('/api/fiches', async (request) => {
    const { convention, status } = request.query;
    if (status !== undefined && !(STAGES as readonly string[]).includes(status)) {
      throw new DomainError('INVALID_INPUT', `« status » doit être l’une des étapes : ${STAGES.join(', ')}.`, 'status');
    }
    const { id } = await deps.store.conventions.resolve(convention);
    await actorOf(request, deps.store, id);
    return { fiches: await deps.store.fiches.list(id, status ? { status } : {}) };
  });

  app.get<{ Params: { id: string } }>('/api/fiches/:id/versions', async (request) => {
    const fiche = await ficheOf(request.params.id);
    await actorOf(request, deps.store, fiche.conventionId);
    return { versions: await deps.store.fiches.listVersions(fiche.id) };
  });

  app.patch<{ Params: { id: string } }>('/api/fiches/:id/content', async (request) => {
    const fiche = await ficheOf(request.params.id);
    const actor = await actorOf(request, deps.store, fiche.conventionId);
    const edit = parseContentEdit(request.body);
    await deps.store.fiches.checkContentReferences(fiche.conventionId, edit);
    return deps.client.workflow
      .getHandle(fiche.workflowId ?? ficheWorkflowId(fiche.id))
      .executeUpdate(editContentUpdate, { args: [{ actor, edit }] });
  });
}
