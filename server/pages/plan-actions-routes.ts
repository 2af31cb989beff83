import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { advancePlan } from '../../client/advance-plan.js';
import { loadPlanActionsView } from '../../client/plan-actions-view.js';
import { startPlanActions } from '../../client/start-plan-actions.js';
import { INSTANCE_KIND_LABELS, parseCharter } from '../../domain/charter.js';
import { assertMayManageCycle } from '../../domain/convention-cycle.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import {
  PLAN_ACTION_KINDS,
  planActionsOpenTo,
  planWaitingFor,
  recordedPlanLifecycle,
  type PlanActionKind,
} from '../../domain/plan-actions.js';
import type { Store } from '../../store/index.js';
import { planActionsStateQuery } from '../../workflows/plan-actions-definitions.js';
import { HttpError, toHttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route, routeConvention } from '../route.js';
import { DONE_PARAM, doneNotice } from './done-notice.js';
import { errorsByField, formValues } from './fiche-pages.js';
import { sendAppPage, type PageViewer } from './layout.js';
import { notFound } from './page-lookup.js';
import { PLAN_STEP_FORMS, planActionsPage, type PlanStepFailure } from './plan-actions-page.js';

/** The sentences of the plan's page after its forms (`?fait=`): its opening, each step. */
const PLAN_NOTICES: Readonly<Record<string, string>> = {
  ouvert: 'Le plan d’actions est ouvert : il est en élaboration avec le groupe d’élaboration.',
  ...Object.fromEntries(PLAN_ACTION_KINDS.map((kind) => [kind, PLAN_STEP_FORMS[kind].done])),
};

/** The fields of a step's form the workflow reads; the others (who acts) come from the session. */
const FORM_FIELDS = new Set(['outcome', 'comment']);

interface PlanPageDeps {
  client: Client;
  store: Store;
  viewerOf(request: FastifyRequest): PageViewer | null;
}

/** Whether `actor` may open the plan, by the rule the API's route applies. */
function mayOpen(actor: Actor): boolean {
  try {
    assertMayManageCycle(actor, 'ouvre le plan d’actions');
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

/**
 * The plan's page for its viewer: the forms of the steps the plan's rules let them take now (the
 * same check as the workflow's validator), a step's confirmation or its refusal shown again.
 */
export async function sendPlanActionsPage(
  deps: PlanPageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  convention: { id: string; slug: string },
  outcome: { done: string | undefined } | { status: number; failure: PlanStepFailure },
) {
  const actor = await actorOf(request, deps.store, convention.id);
  const [view, settings] = await Promise.all([
    loadPlanActionsView(deps.store, convention.id),
    deps.store.conventions.findSettings(convention.id),
  ]);
  const charter = parseCharter(settings.charter);
  const plan = view.plan;
  const waiting = plan ? planWaitingFor(plan.stage, charter) : null;
  const actions = {
    slug: convention.slug,
    mayOpen: !plan && mayOpen(actor),
    steps: plan
      ? planActionsOpenTo(recordedPlanLifecycle(plan.stage, plan.history, plan.createdAt), actor, charter)
      : [],
    waiting: waiting ? `En attente du ${INSTANCE_KIND_LABELS[waiting.instanceKind]} : ${waiting.what}.` : null,
    notice: 'done' in outcome ? doneNotice(outcome.done, PLAN_NOTICES) : null,
    failure: 'failure' in outcome ? outcome.failure : null,
  };
  const pdf = `/api/conventions/${encodeURIComponent(convention.slug)}/plan-actions.pdf`;
  const status = 'status' in outcome ? outcome.status : 200;
  return sendAppPage(reply, status, planActionsPage(view, pdf, deps.viewerOf(request), actions));
}

/** Back to the plan's page, at its steps, saying what was done. */
const redirectToPlan = (reply: FastifyReply, slug: string, done: string) =>
  reply
    .code(303)
    .header('location', `/plan-actions?convention=${encodeURIComponent(slug)}&${DONE_PARAM}=${done}#etapes`)
    .send();

/**
 * The forms of the plan's page: opening the plan of the convention's period, and each step, posted
 * to the use cases of the API (client/start-plan-actions.ts, client/advance-plan.ts); then the page
 * again with its new stage. A refused step shows the page again with the refusal in French and
 * each error beside its field.
 */
export function registerPlanActionsPages(scope: FastifyInstance, deps: PlanPageDeps & { taskQueue: string }): void {
  const convention = async (request: FastifyRequest<{ Params: { slug: string } }>) =>
    (await deps.store.conventions.resolve(request.params.slug)).id;

  route<{ Params: { slug: string } }>(
    scope,
    {
      method: 'POST',
      url: '/conventions/:slug/plan-actions',
      summary: 'Open the plan d’actions of the convention’s period from its page (`_csrf`)',
      tag: 'pages',
      access: 'steward',
      convention,
      steward: (actor) => assertMayManageCycle(actor, 'ouvre le plan d’actions'),
      success: { status: 303, description: 'Redirect to the plan’s page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const started = await startPlanActions(deps, routeConvention(request).id);
      // Its steps are refused until the workflow has read the plan: the page it leads to offers them.
      const handle = deps.client.workflow.getHandle(started.workflowId);
      for (let waited = 0; waited < 15_000; waited += 100) {
        const state = await handle.query(planActionsStateQuery).catch(() => null);
        if (state?.period) break;
        await sleep(100);
      }
      return redirectToPlan(reply, request.params.slug, 'ouvert');
    },
  );

  route<{ Params: { slug: string; kind: string } }>(
    scope,
    {
      method: 'POST',
      url: '/conventions/:slug/plan-actions/etapes/:kind',
      summary: 'Take a step of the plan d’actions from its page (`outcome` and `comment` as the API’s, `_csrf`)',
      tag: 'pages',
      access: 'domain',
      convention,
      success: { status: 303, description: 'Redirect to the plan’s page', contentType: 'text/html' },
      errors: [400, 404, 409],
    },
    async (request, reply) => {
      const { slug, kind } = request.params;
      if (!(PLAN_ACTION_KINDS as readonly string[]).includes(kind)) throw notFound('Étape');
      const { id, actor } = routeConvention(request);
      const values = formValues(request.body);
      // An empty comment is no comment: the plan's rules say when one is required.
      const input = Object.fromEntries(Object.entries(values).filter(([k, v]) => FORM_FIELDS.has(k) && v.trim()));
      let state;
      try {
        state = await advancePlan(deps, id, kind as PlanActionKind, input, actor);
      } catch (error) {
        const refused = toHttpError(error);
        if (refused.status >= 500) throw error;
        const errors = errorsByField(refused, (issue) => (FORM_FIELDS.has(issue.field) ? issue.field : null)) ?? {};
        const failure = { kind: kind as PlanActionKind, values, message: refused.message, errors };
        return sendPlanActionsPage(deps, request, reply, { id, slug }, { status: refused.status, failure });
      }
      if (!state)
        throw new HttpError(404, 'NOT_FOUND', 'Le plan d’actions de cette convention n’est pas encore ouvert.');
      return redirectToPlan(reply, slug, kind);
    },
  );
}
