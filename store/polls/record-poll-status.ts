import type { PollStatus } from '../../domain/poll-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface PollStatusChange {
  pollId: string;
  /** The audit line's key: a retried activity writes nothing twice. */
  idempotencyKey: string;
  status: PollStatus;
  actorEmail: string;
  at: string;
  details?: Record<string, string | number | boolean>;
}

/** Records the poll's status (closed to answers, waiting for the organiser's choice) with its audit line. */
export async function recordPollStatus(db: PrismaClient, change: PollStatusChange): Promise<void> {
  await db.$transaction(async (tx) => {
    if (await tx.auditEvent.findUnique({ where: { key: change.idempotencyKey } })) return;
    const at = new Date(change.at);
    await tx.poll.update({ where: { id: change.pollId }, data: { status: change.status, closedAt: at } });
    await tx.auditEvent.create({
      data: {
        key: change.idempotencyKey,
        actor: change.actorEmail,
        action: `poll.${change.status}`,
        subject: `poll:${change.pollId}`,
        details: change.details ?? {},
        at,
      },
    });
  });
}
