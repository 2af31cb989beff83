import type { PrismaClient } from '../../generated/prisma/client.js';

/** A convention's time zone and its first and last days (YYYY-MM-DD). */
export interface ConventionDates {
  zone: string;
  startDate: string;
  endDate: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The dates of the convention of that id; throws when there is none. */
export async function findConventionDates(db: PrismaClient, conventionId: string): Promise<ConventionDates> {
  const convention = await db.convention.findUniqueOrThrow({ where: { id: conventionId } });
  return { zone: convention.timezone, startDate: day(convention.startDate), endDate: day(convention.endDate) };
}
