import type { PrismaClient } from '../../generated/prisma/client.js';

/** What a poll's meeting is made of: the poll's title, place, instance and organiser, and its dates. */
export interface PollForMeeting {
  id: string;
  conventionId: string;
  instanceId: string | null;
  title: string;
  location: string | null;
  organizerEmail: string;
  closedAt: Date | null;
  options: { id: string; label: string; startsAt: Date; endsAt: Date }[];
}

/** The poll of that id with its options; throws when there is none. */
export async function findPollForMeeting(db: PrismaClient, pollId: string): Promise<PollForMeeting> {
  return db.poll.findUniqueOrThrow({
    where: { id: pollId },
    select: {
      id: true,
      conventionId: true,
      instanceId: true,
      title: true,
      location: true,
      organizerEmail: true,
      closedAt: true,
      options: { select: { id: true, label: true, startsAt: true, endsAt: true } },
    },
  });
}
