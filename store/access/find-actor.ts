import { actorFromAccess } from '../../domain/access.js';
import type { InstanceKind, MemberRole, StructureKind } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** Which person: by id (a signed-in viewer) or by address (demo data, tests, the CLI). */
export type PersonKey = { id: string } | { email: string };

/**
 * The person as an actor of the convention, with the role their admin flag and their seats in
 * its instances give them (domain/access.ts). Throws ROLE_NOT_ALLOWED for an unknown person or one
 * who takes no part in the convention.
 */
export async function findActor(prisma: PrismaClient, conventionId: string, person: PersonKey): Promise<Actor> {
  const where = 'id' in person ? { id: person.id } : { email: person.email.trim().toLowerCase() };
  const found = await prisma.person.findUnique({
    where,
    select: {
      email: true,
      admin: true,
      structure: { select: { kind: true } },
      memberships: {
        where: { instance: { conventionId } },
        select: { role: true, instance: { select: { kind: true } } },
      },
    },
  });
  if (!found) {
    const who = 'email' in person ? person.email.trim() : 'Cette personne';
    throw new DomainError('ROLE_NOT_ALLOWED', `${who} n’est membre d’aucune instance de cette convention.`, 'actor');
  }
  return actorFromAccess({
    email: found.email,
    admin: found.admin,
    ...(found.structure ? { structureKind: found.structure.kind as StructureKind } : {}),
    memberships: found.memberships.map((m) => ({
      instanceKind: m.instance.kind as InstanceKind,
      role: m.role as MemberRole,
    })),
  });
}
