import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { assertMayManageCycle, prolongationSchema } from '../../domain/convention-cycle.js';
import type { Store } from '../../store/index.js';
import { conventionCycleStateQuery, conventionWorkflowId } from '../../workflows/convention-definitions.js';
import { startConventionCycle } from '../../client/start-convention-cycle.js';
import {
  describeSignature,
  proposeOtherAmendment,
  proposeProlongation,
  recordConventionSignatureStep,
} from '../../client/convention-signature.js';
import { otherAmendmentSchema, signatureStepSchema } from '../../domain/convention-signature.js';
import { HttpError } from '../errors.js';
import { route, routeConvention } from '../route.js';

type BySlug = { Params: { slug: string } };

/**
 * The convention's cycle over its years: its state (campaigns, who answered, the COPIL's reviews,
 * amendments), starting it, its signature path and its avenants' (a prolongation, another avenant).
 */
export const conventionCycleRoutes: FastifyPluginAsync<{
  client: Client;
  store: Store;
  taskQueue: string;
}> = async (app, deps) => {
  /** Each route acts in the convention of its slug. */
  const convention = async (request: FastifyRequest<BySlug>) =>
    (await deps.store.conventions.resolve(request.params.slug)).id;
  /** The convention's cycle workflow, and the viewer as one of its people (found by the access check). */
  const handleOf = (request: FastifyRequest) => {
    const { id, actor } = routeConvention(request);
    return { convention: { id }, actor, handle: deps.client.workflow.getHandle(conventionWorkflowId(id)) };
  };
  const notStarted = (error: unknown) =>
    error instanceof WorkflowNotFoundError
      ? new HttpError(
          404,
          'NOT_FOUND',
          'Le cycle de cette convention n’est pas lancé : lancez-le (POST …/cycle), ' +
            'ou donnez les règles de son calendrier.',
        )
      : error;

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/cycle',
      summary:
        'The convention’s cycle: evaluation campaigns (who answered, who is pending), the COPIL’s reviews, amendments',
      tag: 'convention',
      access: 'convention',
      convention,
      success: { status: 200, description: 'The cycle state' },
      errors: [404],
    },
    async (request) => {
      const { handle } = handleOf(request);
      return handle.query(conventionCycleStateQuery).catch((error: unknown) => {
        throw notStarted(error);
      });
    },
  );

  route<BySlug>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/cycle',
      summary: 'Start the convention’s cycle (201; 200 when it runs already)',
      tag: 'convention',
      access: 'steward',
      convention,
      steward: (actor) => assertMayManageCycle(actor, 'lance le cycle de la convention'),
      success: { status: 201, description: '{ workflowId, started }' },
    },
    async (request, reply) => {
      const started = await startConventionCycle(deps, handleOf(request).convention.id);
      return reply.code(started.started ? 201 : 200).send(started);
    },
  );

  // The workflow's validator refuses who may not sign it (coopérateurs and admins), after checking the input.
  route<BySlug>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/amendments',
      summary:
        'Propose a prolongation by amendment (a later end date, a motif): once its signature path is done, ' +
        'the end date moves and the cycle goes on',
      tag: 'convention',
      access: 'domain',
      convention,
      body: { schema: prolongationSchema() },
      success: {
        status: 201,
        description: '{ amendment, endDate, cycle }: the avenant « projet », the end date unchanged',
      },
      errors: [404, 409],
    },
    async (request, reply) => {
      const { id, actor } = routeConvention(request);
      const state = await proposeProlongation(deps, id, actor, request.body).catch((error: unknown) => {
        throw notStarted(error);
      });
      return reply.code(201).send({ amendment: state.amendments.at(-1), endDate: state.endDate, cycle: state });
    },
  );

  route<BySlug>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/amendments/other',
      summary: 'Propose an avenant other than a prolongation (its object and motif), then signed as the convention',
      tag: 'convention',
      access: 'domain',
      convention,
      body: { schema: otherAmendmentSchema() },
      success: { status: 201, description: '{ number, title }: the avenant « projet »' },
      errors: [404, 409],
    },
    async (request, reply) => {
      const { id, actor } = routeConvention(request);
      return reply.code(201).send(await proposeOtherAmendment(deps.store, id, actor, request.body));
    },
  );

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/signature',
      summary:
        'The signature path of the convention and of each avenant: validations, signatures, official signing, ' +
        'what is awaited',
      tag: 'convention',
      access: 'convention',
      convention,
      success: { status: 200, description: '{ status, endDate, paths, amendments }' },
      errors: [404],
    },
    async (request) => describeSignature(await deps.store.conventions.loadSignature(routeConvention(request).id)),
  );

  // Who may record which step, and in what order, is the domain's (domain/convention-signature.ts).
  route<{ Params: { slug: string; version: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/signature/:version/steps',
      summary:
        'Record a step of the signature path of the convention (version 0) or of an avenant: a body’s ' +
        'validation, a party’s signature, the official signing',
      tag: 'convention',
      access: 'domain',
      convention: (request) => convention(request as FastifyRequest<BySlug>),
      body: { schema: signatureStepSchema() },
      success: { status: 201, description: '{ stage, signedAmendment, signature }' },
      errors: [404, 409],
    },
    async (request, reply) => {
      const { id, actor } = routeConvention(request);
      const version = /^\d{1,4}$/.test(request.params.version) ? Number(request.params.version) : -1;
      const recorded = version < 0 ? null : await recordConventionSignatureStep(deps, id, actor, version, request.body);
      if (!recorded)
        throw new HttpError(404, 'NOT_FOUND', `La convention n’a pas d’avenant n° ${request.params.version}.`);
      return reply.code(201).send({ ...recorded.outcome, signature: describeSignature(recorded.signature) });
    },
  );
};
