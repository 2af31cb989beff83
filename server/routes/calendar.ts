import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ruleSchema } from '../../domain/meeting-recurrence.js';
import { isoDate, parseInput, text } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import {
  calendarWorkflowId,
  calendarYearStateQuery,
  moveMilestoneUpdate,
} from '../../workflows/calendar-definitions.js';
import { setCalendarRules } from '../../client/set-calendar-rules.js';
import { startConventionCycle } from '../../client/start-convention-cycle.js';
import { HttpError } from '../errors.js';
import { route, routeConvention } from '../route.js';

type Body = { rules?: unknown; startDate?: unknown; reason?: unknown };
type BySlug = { Params: { slug: string } };

/**
 * The bodies, for the document: each rule is parsed with `ruleSchema` (domain/meeting-recurrence.ts), the date by
 * the workflow.
 */
const rulesSchema = z.object({ rules: z.array(ruleSchema()) });
const moveSchema = z.object({
  startDate: isoDate(),
  /** Why it moves: kept in its audit line. */
  reason: text(1000, { multiline: true }).optional(),
});
const bodyOf = (body: unknown): Body => (typeof body === 'object' && body !== null ? body : {}) as Body;

/**
 * The convention's annual calendar: its state (meetings planned and created, milestones), the
 * rules of recurring meetings (stored, then the calendar told; the first time starts it for this year),
 * and moving a milestone.
 */
export const calendarRoutes: FastifyPluginAsync<{ client: Client; store: Store; taskQueue: string }> = async (
  app,
  deps,
) => {
  /** Each route acts in the convention of its slug, for its people. */
  const ofConvention = {
    convention: async (request: FastifyRequest<BySlug>) =>
      (await deps.store.conventions.resolve(request.params.slug)).id,
    errors: [404],
  };
  /** The convention's calendar workflow, and the viewer as one of its people (found by the access check). */
  const handleOf = (request: FastifyRequest) => {
    const { id, actor } = routeConvention(request);
    return { convention: { id }, actor, handle: deps.client.workflow.getHandle(calendarWorkflowId(id)) };
  };
  const notStarted = () =>
    new HttpError(
      404,
      'NOT_FOUND',
      'Le calendrier de cette convention n’est pas encore lancé : ' +
        'donnez d’abord les règles de ses réunions (PUT …/calendar/rules).',
    );

  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/calendar',
      summary: 'The annual calendar: meetings planned and created, milestones',
      tag: 'calendrier',
      access: 'convention',
      ...ofConvention,
      success: { status: 200, description: 'The calendar state' },
    },
    async (request) => {
      const { handle } = handleOf(request);
      return handle.query(calendarYearStateQuery).catch((error: unknown) => {
        throw error instanceof WorkflowNotFoundError ? notStarted() : error;
      });
    },
  );

  // The rules as stored: what the calendar follows, whether it runs yet or not.
  route<BySlug>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/calendar/rules',
      summary: 'The rules of recurring meetings as stored, whether the calendar runs yet or not',
      tag: 'calendrier',
      access: 'convention',
      ...ofConvention,
      success: { status: 200, description: '{ rules }' },
    },
    async (request) => {
      const { convention } = handleOf(request);
      return { rules: await deps.store.conventions.findMeetingRules(convention.id) };
    },
  );

  route<BySlug>(
    app,
    {
      method: 'PUT',
      url: '/api/conventions/:slug/calendar/rules',
      summary: 'Set the rules of recurring meetings (the first time starts the calendar)',
      tag: 'calendrier',
      access: 'domain',
      ...ofConvention,
      body: { schema: rulesSchema },
      success: { status: 200, description: 'The calendar state (201 when this starts it)' },
    },
    async (request, reply) => {
      const { convention, actor } = handleOf(request);
      const result = await setCalendarRules(deps, convention.id, bodyOf(request.body).rules, actor);
      if (!result.started) return result.state;
      // The convention's cycle (evaluation campaigns, reviews, prolongations) starts with its calendar.
      const cycle = await startConventionCycle(deps, convention.id);
      return reply
        .code(201)
        .send({ workflowId: result.workflowId, year: result.year, cycleWorkflowId: cycle.workflowId });
    },
  );

  route<{ Params: { slug: string; key: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/calendar/milestones/:key/move',
      summary: 'Move a milestone',
      tag: 'calendrier',
      access: 'domain',
      ...ofConvention,
      body: { schema: moveSchema },
      success: { status: 200, description: 'The calendar state' },
    },
    async (request) => {
      const { actor, handle } = handleOf(request);
      const body = bodyOf(request.body);
      const reason = parseInput(moveSchema.shape.reason, body.reason, { what: 'le motif' });
      return handle
        .executeUpdate(moveMilestoneUpdate, {
          args: [
            { actor, key: request.params.key, startDate: String(body.startDate ?? ''), ...(reason ? { reason } : {}) },
          ],
        })
        .catch((error: unknown) => {
          throw error instanceof WorkflowNotFoundError ? notStarted() : error;
        });
    },
  );
};
