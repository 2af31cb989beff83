import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { recordConventionSignatureStep } from '../../client/convention-signature.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { route, routeConvention } from '../route.js';
import { DONE_PARAM } from './done-notice.js';

/** The dashboard's sentences after the signature section's forms. */
export const SIGNATURE_NOTICES = { signature: 'L’étape de signature est enregistrée.' } as const;

type Params = { Params: { slug: string; version: string } };

/**
 * The forms of the dashboard's « Signature de la convention » section: one step of the path of the
 * convention (version 0) or of an avenant, recorded by the same use case and rules as the API.
 */
export function registerConventionSignaturePages(
  scope: FastifyInstance,
  deps: { client: Client; store: Store; now: () => Date },
): void {
  route<Params>(
    scope,
    {
      method: 'POST',
      url: '/conventions/:slug/signature/:version',
      summary: 'Record a step of the signature path (validation, signature, official signing) from the dashboard',
      tag: 'pages',
      access: 'domain',
      convention: async (request) => (await deps.store.conventions.resolve(request.params.slug)).id,
      success: { status: 303, description: 'Redirect to the dashboard', contentType: 'text/html' },
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { id, actor } = routeConvention(request);
      const version = /^\d{1,4}$/.test(request.params.version) ? Number(request.params.version) : -1;
      const recorded =
        version < 0 ? null : await recordConventionSignatureStep(deps, id, actor, version, request.body, deps.now());
      if (!recorded)
        throw new HttpError(404, 'NOT_FOUND', `La convention n’a pas d’avenant n° ${request.params.version}.`);
      const location = `/?convention=${encodeURIComponent(request.params.slug)}&${DONE_PARAM}=signature#signature`;
      return reply.code(303).header('location', location).send();
    },
  );
}
