import type { InstanceKind, MemberRole } from '../../domain/charter.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * The addresses of the members of an instance kind (of every instance when none is given; of some
 * roles only, when given), lower-cased and sorted.
 */
export async function listInstanceMembers(
  db: PrismaClient,
  {
    conventionId,
    instanceKind,
    roles,
  }: {
    conventionId: string;
    instanceKind?: InstanceKind;
    roles?: MemberRole[];
  },
): Promise<string[]> {
  const members = await db.membership.findMany({
    where: {
      instance: { conventionId, ...(instanceKind ? { kind: instanceKind } : {}) },
      ...(roles ? { role: { in: roles } } : {}),
    },
    include: { person: { select: { email: true } } },
  });
  return [...new Set(members.map((m) => m.person.email.toLowerCase()))].sort();
}
