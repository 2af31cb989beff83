import type { PrismaClient } from '../../generated/prisma/client.js';

/** A poll a convention's setup holds whose workflow may not have started. */
export interface SetupPoll {
  id: string;
  key: string;
  conventionId: string;
  title: string;
  organizerEmail: string;
  deadline: Date | null;
  workflowId: string | null;
  participants: string[];
  options: { id: string; kind: string; startsAt: Date; endsAt: Date; label: string; capacity: number | null }[];
  instance: { kind: string; name: string; convocationDelayDays: number | null; members: string[] } | null;
}

/** The convention's open polls with no meeting yet, by deadline, with their dates and instance. */
export async function listSetupPolls(db: PrismaClient, conventionId: string): Promise<SetupPoll[]> {
  const polls = await db.poll.findMany({
    where: { conventionId, status: 'ouvert', meetingId: null },
    include: {
      options: { orderBy: { position: 'asc' } },
      instance: { include: { memberships: { select: { person: { select: { email: true } } } } } },
    },
    orderBy: [{ deadline: 'asc' }, { key: 'asc' }],
  });
  return polls.map((poll) => ({
    id: poll.id,
    key: poll.key,
    conventionId: poll.conventionId,
    title: poll.title,
    organizerEmail: poll.organizerEmail,
    deadline: poll.deadline,
    workflowId: poll.workflowId,
    participants: poll.participants,
    options: poll.options,
    instance: poll.instance && {
      kind: poll.instance.kind,
      name: poll.instance.name,
      convocationDelayDays: poll.instance.convocationDelayDays,
      members: poll.instance.memberships.map((m) => m.person.email),
    },
  }));
}

/** Gives a setup poll its participants and workflow, with the audit line of its start; once per workflow. */
export async function recordSetupPollStart(
  db: PrismaClient,
  input: { pollId: string; key: string; participants: string[]; workflowId: string; actorEmail: string; at: Date },
): Promise<void> {
  const key = `${input.workflowId}:created`;
  await db.$transaction([
    db.poll.update({
      where: { id: input.pollId },
      data: { participants: input.participants, workflowId: input.workflowId },
    }),
    db.auditEvent.upsert({
      where: { key },
      create: {
        key,
        actor: input.actorEmail,
        action: 'poll.start',
        subject: `poll:${input.pollId}`,
        details: { key: input.key, participants: input.participants.length },
        at: input.at,
      },
      update: {},
    }),
  ]);
}
