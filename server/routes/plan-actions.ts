import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { assertMayManageCycle } from '../../domain/convention-cycle.js';
import {
  PLAN_ACTION_KINDS,
  planActionSchema,
  planPeriodSchema,
  type PlanActionKind,
} from '../../domain/plan-actions.js';
import { PLAN_ACTIONS_PDF_FILENAME, renderPlanActionsPdf } from '../../documents/pdf/plan-actions-pdf.js';
import type { Store } from '../../store/index.js';
import { advancePlan } from '../../client/advance-plan.js';
import { loadPlanActionsView } from '../../client/plan-actions-view.js';
import { startPlanActions } from '../../client/start-plan-actions.js';
import { HttpError } from '../errors.js';
import { route, routeConvention, serverSet } from '../route.js';

type BySlug = { Params: { slug: string } };
const bodyOf = (body: unknown): Record<string, unknown> =>
  (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;

/**
 * The convention's plan d'actions: its tree (enjeux, objectifs, fiches with their stage) and
 * stage, as JSON or PDF; opening it (its workflow starts at the élaboration); taking its steps
 * (`POST …/plan-actions/actions/:kind`, an update whose validator refuses a wrong stage or role).
 */
export const planActionsRoutes: FastifyPluginAsync<{ client: Client; store: Store; taskQueue: string }> = async (
  app,
  deps,
) => {
  const convention = async (request: FastifyRequest<BySlug>) =>
    (await deps.store.conventions.resolve(request.params.slug)).id;

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/plan-actions',
      summary: 'The plan d’actions: its stage and steps, and its tree of enjeux, objectifs and fiches with their stage',
      tag: 'convention',
      access: 'convention',
      convention,
      success: { status: 200, description: '{ convention, plan, period, stageLabel, tree, ficheCount }' },
    },
    async (request) => loadPlanActionsView(deps.store, routeConvention(request).id),
  );

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/plan-actions.pdf',
      summary:
        'The plan d’actions as a PDF: per enjeu its objectifs, each fiche with its code, title, pilote and stage',
      tag: 'convention',
      access: 'convention',
      convention,
      success: { status: 200, description: 'PDF', contentType: 'application/pdf' },
    },
    async (request, reply) => {
      const view = await loadPlanActionsView(deps.store, routeConvention(request).id);
      const pdf = await renderPlanActionsPdf({
        conventionName: view.convention.name,
        territory: view.convention.territory,
        period: view.period,
        stageLabel: view.stageLabel,
        tree: view.tree,
        zone: view.convention.zone,
        issuedAt: new Date(),
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${PLAN_ACTIONS_PDF_FILENAME}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  route<BySlug>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/plan-actions',
      summary: 'Open the plan d’actions of the period and start its workflow (201; 200 when it runs already)',
      tag: 'convention',
      access: 'steward',
      convention,
      steward: (actor) => assertMayManageCycle(actor, 'ouvre le plan d’actions'),
      body: {
        schema: planPeriodSchema(),
        description: 'Optional: `startYear` and `endYear` within the convention’s years (its years when absent)',
      },
      success: { status: 201, description: '{ planId, period, workflowId, started }' },
    },
    async (request, reply) => {
      const started = await startPlanActions(deps, routeConvention(request).id, request.body);
      return reply.code(started.started ? 201 : 200).send(started);
    },
  );

  route<{ Params: { slug: string; kind: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/plan-actions/actions/:kind',
      summary: 'Take a step of the plan d’actions, as the person signed in',
      tag: 'convention',
      access: 'domain',
      convention: async (request) => (await deps.store.conventions.resolve(request.params.slug)).id,
      success: { status: 200, description: 'The plan’s workflow state after the step' },
      errors: [404, 409, 422],
      variants: {
        param: 'kind',
        bodies: Object.fromEntries(PLAN_ACTION_KINDS.map((kind) => [kind, serverSet(planActionSchema())])),
      },
    },
    async (request) => {
      const { kind } = request.params;
      if (!(PLAN_ACTION_KINDS as readonly string[]).includes(kind)) {
        throw new HttpError(404, 'NOT_FOUND', `Étape inconnue « ${kind} » : ${PLAN_ACTION_KINDS.join(', ')}.`);
      }
      const { id, actor } = routeConvention(request);
      // The body is the workflow's to read: its validator parses it with the plan's schema, French errors.
      const state = await advancePlan(deps, id, kind as PlanActionKind, bodyOf(request.body), actor);
      if (!state) {
        throw new HttpError(
          404,
          'NOT_FOUND',
          'Le plan d’actions de cette convention n’est pas ouvert : ouvrez-le (POST …/plan-actions).',
        );
      }
      return state;
    },
  );
};
