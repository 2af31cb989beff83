import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { resolveActor } from '../../store/resolve-actor.js';
import { resolveConvention } from '../../store/resolve-convention.js';
import { storedMeetingRules } from '../../store/save-meeting-rules.js';
import { calendarWorkflowId, calendarYearStateQuery, moveMilestoneUpdate } from '../../workflows/calendar-definitions.js';
import { setCalendarRules } from '../set-calendar-rules.js';
import { HttpError } from './errors.js';

type Body = { actor?: { email?: unknown; appRole?: unknown }; rules?: unknown; startDate?: unknown };
const bodyOf = (body: unknown): Body => (typeof body === 'object' && body !== null ? body : {}) as Body;

/**
 * The convention's annual calendar: its state (meetings planned and created, milestones), the
 * rules of recurring meetings (stored, then the calendar told; the first time starts it for this year),
 * and moving a milestone.
 */
export function registerCalendarRoutes(app: FastifyInstance, deps: { client: Client; prisma: PrismaClient; taskQueue: string }): void {
  const handleOf = async (slug: string) => {
    const convention = await resolveConvention(deps.prisma, slug);
    return { convention, handle: deps.client.workflow.getHandle(calendarWorkflowId(convention.id)) };
  };
  const notStarted = () => new HttpError(404, 'NOT_FOUND', 'Le calendrier de cette convention n’est pas encore lancé : donnez d’abord les règles de ses réunions (PUT …/calendar/rules).');

  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/calendar', async (request) => {
    const { handle } = await handleOf(request.params.slug);
    return handle.query(calendarYearStateQuery).catch((error: unknown) => {
      throw error instanceof WorkflowNotFoundError ? notStarted() : error;
    });
  });

  // The rules as stored: what the calendar follows, whether it runs yet or not.
  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/calendar/rules', async (request) => {
    const convention = await resolveConvention(deps.prisma, request.params.slug);
    const instances = await deps.prisma.instance.findMany({ where: { conventionId: convention.id }, select: { slug: true, meetingRule: true } });
    return { rules: storedMeetingRules(instances) };
  });

  app.put<{ Params: { slug: string } }>('/api/conventions/:slug/calendar/rules', async (request, reply) => {
    const { convention } = await handleOf(request.params.slug);
    const body = bodyOf(request.body);
    const actor = await resolveActor(deps.prisma, convention.id, body.actor?.email, body.actor?.appRole);
    const result = await setCalendarRules(deps, convention.id, body.rules, actor);
    return result.started ? reply.code(201).send({ workflowId: result.workflowId, year: result.year }) : result.state;
  });

  app.post<{ Params: { slug: string; key: string } }>('/api/conventions/:slug/calendar/milestones/:key/move', async (request) => {
    const { convention, handle } = await handleOf(request.params.slug);
    const body = bodyOf(request.body);
    const actor = await resolveActor(deps.prisma, convention.id, body.actor?.email, body.actor?.appRole);
    return handle.executeUpdate(moveMilestoneUpdate, { args: [{ actor, key: request.params.key, startDate: String(body.startDate ?? '') }] }).catch((error: unknown) => {
      throw error instanceof WorkflowNotFoundError ? notStarted() : error;
    });
  });
}
