import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/index.js';
import { calendarWorkflowId, calendarYearStateQuery, moveMilestoneUpdate } from '../workflows/calendar-definitions.js';
import { setCalendarRules } from '../client/set-calendar-rules.js';
import { startConventionCycle } from '../client/start-convention-cycle.js';
import { actorOf, requireViewer } from './auth.js';
import { HttpError } from './errors.js';

type Body = { rules?: unknown; startDate?: unknown };
const bodyOf = (body: unknown): Body => (typeof body === 'object' && body !== null ? body : {}) as Body;

/**
 * The convention's annual calendar: its state (meetings planned and created, milestones), the
 * rules of recurring meetings (stored, then the calendar told; the first time starts it for this year),
 * and moving a milestone.
 */
export function registerCalendarRoutes(
  app: FastifyInstance,
  deps: { client: Client; store: Store; taskQueue: string },
): void {
  /** The convention's calendar workflow, once the viewer is known to be one of its people. */
  const handleOf = async (request: FastifyRequest, slug: string) => {
    requireViewer(request);
    const convention = await deps.store.conventions.resolve(slug);
    const actor = await actorOf(request, deps.store, convention.id);
    return { convention, actor, handle: deps.client.workflow.getHandle(calendarWorkflowId(convention.id)) };
  };
  const notStarted = () =>
    new HttpError(
      404,
      'NOT_FOUND',
      'Le calendrier de cette convention n’est pas encore lancé : donnez d’abord les règles de ses réunions (PUT …/calendar/rules).',
    );

  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/calendar', async (request) => {
    const { handle } = await handleOf(request, request.params.slug);
    return handle.query(calendarYearStateQuery).catch((error: unknown) => {
      throw error instanceof WorkflowNotFoundError ? notStarted() : error;
    });
  });

  // The rules as stored: what the calendar follows, whether it runs yet or not.
  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/calendar/rules', async (request) => {
    const { convention } = await handleOf(request, request.params.slug);
    return { rules: await deps.store.conventions.findMeetingRules(convention.id) };
  });

  app.put<{ Params: { slug: string } }>('/api/conventions/:slug/calendar/rules', async (request, reply) => {
    const { convention, actor } = await handleOf(request, request.params.slug);
    const result = await setCalendarRules(deps, convention.id, bodyOf(request.body).rules, actor);
    if (!result.started) return result.state;
    // The convention's cycle (evaluation campaigns, reviews, prolongations) starts with its calendar.
    const cycle = await startConventionCycle(deps, convention.id);
    return reply
      .code(201)
      .send({ workflowId: result.workflowId, year: result.year, cycleWorkflowId: cycle.workflowId });
  });

  app.post<{ Params: { slug: string; key: string } }>(
    '/api/conventions/:slug/calendar/milestones/:key/move',
    async (request) => {
      const { actor, handle } = await handleOf(request, request.params.slug);
      const body = bodyOf(request.body);
      return handle
        .executeUpdate(moveMilestoneUpdate, {
          args: [{ actor, key: request.params.key, startDate: String(body.startDate ?? '') }],
        })
        .catch((error: unknown) => {
          throw error instanceof WorkflowNotFoundError ? notStarted() : error;
        });
    },
  );
}
