import type { PrismaClient } from '../../generated/prisma/client.js';

/** An instance of a convention, with its members' addresses (as stored). */
export interface InstanceView {
  id: string;
  slug: string;
  kind: string;
  name: string;
  convocationDelayDays: number | null;
  members: string[];
}

/** The convention's instance of that slug, or null. */
export async function findInstance(db: PrismaClient, conventionId: string, slug: string): Promise<InstanceView | null> {
  const instance = await db.instance.findUnique({
    where: { conventionId_slug: { conventionId, slug } },
    select: {
      id: true,
      slug: true,
      kind: true,
      name: true,
      convocationDelayDays: true,
      memberships: { select: { person: { select: { email: true } } } },
    },
  });
  if (!instance) return null;
  const { memberships, ...rest } = instance;
  return { ...rest, members: memberships.map((m) => m.person.email) };
}
