import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { prolongationTitle } from '../../domain/convention-signature.js';

export interface ProlongationRecordInput {
  conventionId: string;
  newEndDate: string;
  motif: string;
  actorEmail: string;
  /** One amendment per key: a retried activity finds it written. */
  idempotencyKey: string;
  at: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Records the amendment (next number, the new end date, the motif) and moves the convention's
 * end date, with its audit line, all at once; a retry finds them written and changes nothing.
 */
export async function recordProlongation(
  db: PrismaClient,

  input: ProlongationRecordInput,
): Promise<{ number: number; previousEndDate: string; newEndDate: string }> {
  return db.$transaction(async (tx) => {
    const slot = await nextAmendment(tx, input.conventionId, input.idempotencyKey);
    if ('done' in slot) return slot.done as { number: number; previousEndDate: string; newEndDate: string };
    const { convention, number } = slot;
    const newEnd = new Date(`${input.newEndDate}T00:00:00Z`);
    await tx.amendment.create({
      data: {
        conventionId: input.conventionId,
        number,
        title: prolongationTitle(number, input.newEndDate),
        description: input.motif,
        newEndDate: newEnd,
        signedAt: new Date(input.at),
      },
    });
    await tx.convention.update({
      where: { id: input.conventionId },
      data: { endDate: newEnd, status: 'prolongee' },
    });
    const details = { number, previousEndDate: day(convention.endDate), newEndDate: input.newEndDate };
    await tx.auditEvent.create({
      data: {
        key: input.idempotencyKey,
        actor: input.actorEmail,
        action: 'convention.prolong',
        subject: `convention:${input.conventionId}`,
        details: { ...details, motif: input.motif },
        at: new Date(input.at),
      },
    });
    return details;
  });
}

/**
 * Within an avenant's transaction: what was recorded under `key` when a retry finds it written,
 * else the convention and the avenant's next number.
 */
export async function nextAmendment(tx: Prisma.TransactionClient, conventionId: string, key: string) {
  const done = await tx.auditEvent.findUnique({ where: { key } });
  if (done) return { done: done.details };
  const convention = await tx.convention.findUniqueOrThrow({ where: { id: conventionId } });
  const last = await tx.amendment.findFirst({ where: { conventionId }, orderBy: { number: 'desc' } });
  return { convention, number: (last?.number ?? 0) + 1 };
}
