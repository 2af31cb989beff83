import type { PrismaClient } from '../../generated/prisma/client.js';

/** Where a poll stands, before a step is recorded on its workflow; null when there is none. */
export async function findPollState(
  db: PrismaClient,
  pollId: string,
): Promise<{ conventionId: string; workflowId: string | null; status: string } | null> {
  return db.poll.findUnique({ where: { id: pollId }, select: { conventionId: true, workflowId: true, status: true } });
}
