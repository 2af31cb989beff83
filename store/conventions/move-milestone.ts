import type { PrismaClient } from '../../generated/prisma/client.js';
import type { MilestoneFacts } from './milestone-facts.js';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Moves a milestone's start (its end too, by as many days) with its audit line, once per key. */
export async function moveMilestone(
  db: PrismaClient,
  input: {
    conventionId: string;
    key: string;
    startDate: string;
    /** Why, as the person who moved it said. */
    reason?: string;
    actorEmail: string;
    idempotencyKey: string;
    at: string;
  },
): Promise<MilestoneFacts> {
  return db.$transaction(async (tx) => {
    const milestone = await tx.milestone.findUniqueOrThrow({
      where: { conventionId_key: { conventionId: input.conventionId, key: input.key } },
    });
    if (!(await tx.auditEvent.findUnique({ where: { key: input.idempotencyKey } }))) {
      const start = new Date(`${input.startDate}T00:00:00Z`);
      const shift = start.getTime() - milestone.startDate.getTime();
      await tx.milestone.update({
        where: { id: milestone.id },
        data: {
          startDate: start,
          ...(milestone.endDate ? { endDate: new Date(milestone.endDate.getTime() + shift) } : {}),
          status: 'reporte',
        },
      });
      await tx.auditEvent.create({
        data: {
          key: input.idempotencyKey,
          actor: input.actorEmail,
          action: 'milestone.move',
          subject: `milestone:${milestone.id}`,
          details: {
            from: day(milestone.startDate),
            to: input.startDate,
            ...(input.reason ? { reason: input.reason } : {}),
          },
          at: new Date(input.at),
        },
      });
    }
    const moved = await tx.milestone.findUniqueOrThrow({ where: { id: milestone.id } });
    return {
      key: moved.key,
      title: moved.title,
      startDate: day(moved.startDate),
      ownerEmail: moved.ownerEmail,
      status: moved.status,
    };
  });
}
