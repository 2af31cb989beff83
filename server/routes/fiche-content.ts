import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { contentEditSchema } from '../../domain/fiche-content.js';
import { STAGES } from '../../domain/lifecycle/vocabulary.js';
import type { Store } from '../../store/index.js';
import { editFicheContent } from '../../client/edit-fiche-content.js';
import { HttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route } from '../route.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucune fiche ne porte cet identifiant.');

/**
 * What fiches say: the convention's list, each fiche's versions with what each changed, and
 * writing a draft. The edit is an update of the fiche's workflow, so it is refused once the fiche
 * is under review and it shows in the fiche's history; its references (enjeu, objectifs, pilote,
 * partenaires) are checked here first, so a wrong code is a 400 that never reaches the workflow.
 */
export const ficheContentRoutes: FastifyPluginAsync<{ client: Client; store: Store }> = async (app, deps) => {
  const ficheOf = async (id: string) => {
    const fiche = ID.test(id) ? await deps.store.fiches.findRef(id) : null;
    if (!fiche) throw notFound();
    return fiche;
  };

  route<{ Querystring: { convention?: string; status?: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/fiches',
      summary:
        'The convention’s fiches, by code, with their latest title and pilot (`?convention=` its slug when there are ' +
        'several, `?status=` one stage)',
      tag: 'fiches',
      access: 'convention',
      success: { status: 200, description: '{ fiches }' },
    },
    async (request) => {
      const { convention, status } = request.query;
      if (status !== undefined && !(STAGES as readonly string[]).includes(status)) {
        throw new DomainError(
          'INVALID_INPUT',
          `« status » doit être l’une des étapes : ${STAGES.join(', ')}.`,
          'status',
        );
      }
      const { id } = await deps.store.conventions.resolve(convention);
      await actorOf(request, deps.store, id);
      return { fiches: await deps.store.fiches.list(id, status ? { status } : {}) };
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/fiches/:id/versions',
      summary: 'A fiche’s versions: each one’s content and what it changed from the one before',
      tag: 'fiches',
      access: 'convention',
      convention: async (request) => (await ficheOf(request.params.id)).conventionId,
      success: { status: 200, description: '{ versions }' },
      errors: [404],
    },
    async (request) => ({ versions: await deps.store.fiches.listVersions(request.params.id) }),
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'PATCH',
      url: '/api/fiches/:id/content',
      summary: 'Write the draft (of a new fiche, or of an amendment): any of its fields; refused once under review',
      tag: 'fiches',
      access: 'domain',
      body: { schema: contentEditSchema() },
      success: { status: 200, description: 'The fiche state, with the edit in `edits`' },
      errors: [404, 409],
    },
    async (request) => {
      const fiche = await ficheOf(request.params.id);
      const actor = await actorOf(request, deps.store, fiche.conventionId);
      return editFicheContent(deps, fiche, actor, request.body);
    },
  );
};
