import type { PrismaClient } from '../../generated/prisma/client.js';

/** A convention in a list. */
export interface ConventionListItem {
  id: string;
  slug: string;
  name: string;
  territory: string;
  startDate: Date;
  endDate: Date;
  status: string;
}

/** Every convention, the earliest first; with `personId`, those the person has a seat in. */
export async function listConventions(
  db: PrismaClient,
  filter: { personId?: string } = {},
): Promise<ConventionListItem[]> {
  return db.convention.findMany({
    ...(filter.personId
      ? { where: { instances: { some: { memberships: { some: { personId: filter.personId } } } } } }
      : {}),
    orderBy: { startDate: 'asc' },
    select: { id: true, slug: true, name: true, territory: true, startDate: true, endDate: true, status: true },
  });
}

/** How many conventions there are: none means a fresh database. */
export async function countConventions(db: PrismaClient): Promise<number> {
  return db.convention.count();
}

/** The convention of that slug (its id), or null. */
export async function findConventionBySlug(
  db: PrismaClient,
  slug: string,
): Promise<{ id: string; slug: string } | null> {
  return db.convention.findUnique({ where: { slug }, select: { id: true, slug: true } });
}

/** The name and slug of the convention of that id, for a page's heading; throws when there is none. */
export async function findConventionHeading(db: PrismaClient, id: string): Promise<{ name: string; slug: string }> {
  return db.convention.findUniqueOrThrow({ where: { id }, select: { name: true, slug: true } });
}
