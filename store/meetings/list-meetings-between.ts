import type { PrismaClient } from '../../generated/prisma/client.js';

/** A meeting in a list (dashboard, calendar): when, which body, its state and the answers so far. */
export interface MeetingListItem {
  id: string;
  title: string;
  instance: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  invited: number;
  accepted: number;
}

/** The convention's meetings starting in [from, to), in time order, at most `limit`. */
export async function listMeetingsBetween(
  prisma: PrismaClient,
  conventionId: string,
  range: { from: Date; to?: Date; limit?: number },
): Promise<MeetingListItem[]> {
  const meetings = await prisma.meeting.findMany({
    where: { conventionId, startsAt: { gte: range.from, ...(range.to ? { lt: range.to } : {}) } },
    orderBy: { startsAt: 'asc' },
    ...(range.limit ? { take: range.limit } : {}),
    include: { instance: { select: { name: true } }, invitations: { select: { partstat: true } } },
  });
  return meetings.map((m) => ({
    id: m.id,
    title: m.title,
    instance: m.instance.name,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    status: m.status,
    invited: m.invitations.length,
    accepted: m.invitations.filter((i) => i.partstat === 'ACCEPTED').length,
  }));
}
