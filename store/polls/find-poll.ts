import {
  ballotsFromVotes,
  tallyPoll,
  type Ballot,
  type OptionTally,
  type PollOptionKind,
  type PollStatus,
} from '../../domain/poll-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** A poll as the API and the voting page show it: its dates with their counts, and the ballots. */
export interface PollView {
  pollId: string;
  conventionId: string;
  title: string;
  description: string | null;
  location: string | null;
  organizerEmail: string;
  instance: { slug: string; name: string } | null;
  status: PollStatus;
  deadline: Date | null;
  zone: string;
  participants: string[];
  workflowId: string | null;
  chosenOptionId: string | null;
  chosenBy: string | null;
  meetingId: string | null;
  options: Array<{
    id: string;
    position: number;
    kind: PollOptionKind;
    label: string;
    startsAt: Date;
    endsAt: Date;
    capacity: number | null;
    tally: OptionTally;
    /** Who signed up, sorted. */
    volunteers: string[];
  }>;
  /** By lower-cased address. */
  ballots: Record<string, Ballot>;
}

/** The poll with that id, or null. */
export async function findPoll(prisma: PrismaClient, pollId: string): Promise<PollView | null> {
  const poll = await prisma.poll.findUnique({
    where: { id: pollId },
    include: {
      convention: { select: { timezone: true } },
      instance: { select: { slug: true, name: true } },
      options: { orderBy: { position: 'asc' }, include: { votes: true } },
    },
  });
  if (!poll) return null;
  const ballots = ballotsFromVotes(poll.options.flatMap((o) => o.votes));
  const tallies = tallyPoll(poll.options, ballots);
  return {
    pollId: poll.id,
    conventionId: poll.conventionId,
    title: poll.title,
    description: poll.description,
    location: poll.location,
    organizerEmail: poll.organizerEmail,
    instance: poll.instance,
    status: poll.status as PollStatus,
    deadline: poll.deadline,
    zone: poll.convention.timezone,
    participants: poll.participants,
    workflowId: poll.workflowId,
    chosenOptionId: poll.chosenOptionId,
    chosenBy: poll.chosenBy,
    meetingId: poll.meetingId,
    options: poll.options.map((o, i) => ({
      id: o.id,
      position: o.position,
      kind: o.kind as PollOptionKind,
      label: o.label,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      capacity: o.capacity,
      tally: tallies[i]!,
      volunteers: o.votes
        .filter((v) => v.volunteer)
        .map((v) => v.voterEmail)
        .sort(),
    })),
    ballots,
  };
}
