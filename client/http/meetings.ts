import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { InstanceKind } from '../../domain/charter.js';
import { nonEmptyText, parseInput, slug } from '../../domain/validation.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { resolveConvention } from '../../store/resolve-convention.js';
import { meetingScheduledSignal } from '../../workflows/definitions.js';
import { HttpError } from './errors.js';

const instant = (field: string) =>
  z.string({ error: `« ${field} » doit être une date et heure ISO avec fuseau, par exemple 2024-06-20T14:00:00+02:00.` }).refine(
    (value) => /(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)),
    { error: `« ${field} » doit être une date et heure ISO avec fuseau, par exemple 2024-06-20T14:00:00+02:00.` },
  );

const newMeetingSchema = z
  .object({
    convention: z.string().optional(),
    instance: slug(),
    title: nonEmptyText(200),
    startsAt: instant('startsAt'),
    endsAt: instant('endsAt'),
    location: z.string().max(500).optional(),
    visioUrl: z.url({ error: '« visioUrl » doit être une adresse web.' }).optional(),
  })
  .refine((m) => Date.parse(m.endsAt) > Date.parse(m.startsAt), { path: ['endsAt'], error: 'La réunion doit finir après son début.' });

/**
 * Meetings, as far as the fiche lifecycle needs them: scheduling one tells the fiches waiting for
 * that body, which put themselves on its ordre du jour. (Convocations and invitations come with
 * the meeting workflow.)
 */
export function registerMeetingRoutes(app: FastifyInstance, deps: { client: Client; prisma: PrismaClient }): void {
  app.post('/api/meetings', async (request, reply) => {
    const input = parseInput(newMeetingSchema, request.body, { what: 'la réunion' });
    const convention = await resolveConvention(deps.prisma, input.convention);
    const instance = await deps.prisma.instance.findUnique({
      where: { conventionId_slug: { conventionId: convention.id, slug: input.instance } },
    });
    if (!instance) throw new HttpError(400, 'INVALID_INPUT', `Aucune instance « ${input.instance} » dans cette convention.`, 'instance');
    const meeting = await deps.prisma.meeting.create({
      data: {
        conventionId: convention.id,
        instanceId: instance.id,
        title: input.title,
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        location: input.location ?? null,
        visioUrl: input.visioUrl ?? null,
        status: 'planifiee',
        icalUid: `${randomUUID()}@concerto`,
      },
    });
    // Fiches still under review may be waiting for a meeting of this body.
    const waiting = await deps.prisma.ficheAction.findMany({
      where: { conventionId: convention.id, workflowId: { not: null }, status: { in: ['soumise', 'attente_copil', 'attente_bureau', 'en_oeuvre'] } },
      select: { workflowId: true },
    });
    for (const { workflowId } of waiting) {
      await deps.client.workflow
        .getHandle(workflowId!)
        .signal(meetingScheduledSignal, { instanceKind: instance.kind as InstanceKind })
        .catch(() => {
          // A fiche whose workflow has ended has nothing to put on an agenda.
        });
    }
    return reply.code(201).send({ meetingId: meeting.id, icalUid: meeting.icalUid });
  });
}
