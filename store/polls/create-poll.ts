import type { PrismaClient } from '../../generated/prisma/client.js';

/** A new date poll with its dates, as the client use case checked it. */
export interface NewPollRecord {
  id: string;
  conventionId: string;
  key: string;
  title: string;
  description: string | null;
  organizerEmail: string;
  instance: { id: string; slug: string };
  location: string | null;
  participants: string[];
  deadline: Date;
  workflowId: string;
  options: { kind: string; startsAt: Date; endsAt: Date; label: string; capacity: number | null }[];
  /** Who created it, for the audit line. */
  actorEmail: string;
  at: Date;
}

/** A stored poll and its dates, in order. */
export interface StoredPoll {
  id: string;
  conventionId: string;
  title: string;
  organizerEmail: string;
  participants: string[];
  options: { id: string; kind: string; startsAt: Date; endsAt: Date; label: string; capacity: number | null }[];
}

/** Records the poll, its dates and its audit line together. */
export async function createPoll(db: PrismaClient, poll: NewPollRecord): Promise<StoredPoll> {
  return db.$transaction(async (tx) => {
    const created = await tx.poll.create({
      data: {
        id: poll.id,
        conventionId: poll.conventionId,
        key: poll.key,
        title: poll.title,
        description: poll.description,
        organizerEmail: poll.organizerEmail,
        instanceId: poll.instance.id,
        location: poll.location,
        participants: poll.participants,
        deadline: poll.deadline,
        workflowId: poll.workflowId,
        options: { create: poll.options.map((o, i) => ({ position: i + 1, ...o })) },
      },
      include: { options: { orderBy: { position: 'asc' } } },
    });
    await tx.auditEvent.create({
      data: {
        key: `${poll.workflowId}:created`,
        actor: poll.actorEmail,
        action: 'poll.create',
        subject: `poll:${poll.id}`,
        details: {
          instance: poll.instance.slug,
          options: poll.options.length,
          participants: poll.participants.length,
          deadline: poll.deadline.toISOString(),
        },
        at: poll.at,
      },
    });
    return created;
  });
}
