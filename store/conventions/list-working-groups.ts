import type { WorkingGroup } from '../../domain/fiche.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** The convention's GTTs by slug, each saying whether the person of `email` sits in it. */
export async function listWorkingGroups(
  db: PrismaClient,
  conventionId: string,
  email: string,
): Promise<Array<WorkingGroup & { id: string }>> {
  const groups = await db.instance.findMany({
    where: { conventionId, kind: 'gtt' },
    orderBy: { slug: 'asc' },
    select: {
      id: true,
      slug: true,
      name: true,
      memberships: { where: { person: { email: { equals: email, mode: 'insensitive' } } }, select: { id: true } },
    },
  });
  return groups.map(({ id, slug, name, memberships }) => ({ id, slug, name, member: memberships.length > 0 }));
}
