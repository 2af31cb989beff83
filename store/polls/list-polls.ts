import type { PrismaClient } from '../../generated/prisma/client.js';

/** A date poll in a list: its state, deadline and how many answered. */
export interface PollListItem {
  id: string;
  title: string;
  status: string;
  deadline: Date | null;
  organizerEmail: string;
  participants: number;
  answered: number;
  meetingId: string | null;
}

/** The convention's date polls, open ones first, then by deadline; `status` keeps one state. */
export async function listPolls(
  prisma: PrismaClient,
  conventionId: string,
  filter: { status?: string; limit?: number } = {},
): Promise<PollListItem[]> {
  const polls = await prisma.poll.findMany({
    where: { conventionId, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: [{ status: 'desc' }, { deadline: 'asc' }],
    ...(filter.limit ? { take: filter.limit } : {}),
    include: { options: { select: { votes: { select: { voterEmail: true } } } } },
  });
  return polls.map((p) => ({
    id: p.id,
    title: p.title,
    status: p.status,
    deadline: p.deadline,
    organizerEmail: p.organizerEmail,
    participants: p.participants.length,
    answered: new Set(p.options.flatMap((o) => o.votes.map((v) => v.voterEmail))).size,
    meetingId: p.meetingId,
  }));
}
