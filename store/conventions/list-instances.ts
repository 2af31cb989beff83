import type { PrismaClient } from '../../generated/prisma/client.js';

/** An instance of a convention as a form offers it. */
export interface InstanceListItem {
  slug: string;
  kind: string;
  name: string;
}

/** The convention's instances, by name. */
export async function listInstances(db: PrismaClient, conventionId: string): Promise<InstanceListItem[]> {
  return db.instance.findMany({
    where: { conventionId },
    orderBy: { name: 'asc' },
    select: { slug: true, kind: true, name: true },
  });
}
