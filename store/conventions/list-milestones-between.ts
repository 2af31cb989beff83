import type { PrismaClient } from '../../generated/prisma/client.js';

/** A milestone of the rétroplanning, its days as `YYYY-MM-DD`. */
export interface MilestoneListItem {
  key: string;
  title: string;
  startDate: string;
  endDate: string | null;
  status: string;
  ownerInstance: string | null;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The convention's milestones that end on or after `from` and start before `to`, by start date. */
export async function listMilestonesBetween(
  prisma: PrismaClient,
  conventionId: string,
  range: { from: string; to?: string; limit?: number },
): Promise<MilestoneListItem[]> {
  const from = new Date(`${range.from}T00:00:00Z`);
  const rows = await prisma.milestone.findMany({
    where: {
      conventionId,
      OR: [{ endDate: { gte: from } }, { endDate: null, startDate: { gte: from } }],
      ...(range.to ? { startDate: { lt: new Date(`${range.to}T00:00:00Z`) } } : {}),
    },
    orderBy: { startDate: 'asc' },
    ...(range.limit ? { take: range.limit } : {}),
  });
  return rows.map((m) => ({
    key: m.key,
    title: m.title,
    startDate: day(m.startDate),
    endDate: m.endDate ? day(m.endDate) : null,
    status: m.status,
    ownerInstance: m.ownerInstance,
  }));
}
