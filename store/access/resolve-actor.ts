import { type Actor } from '../../domain/lifecycle/model.js';
import { APP_ROLES, type AppRole } from '../../domain/lifecycle/vocabulary.js';
import type { InstanceKind, MemberRole, StructureKind } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * The actor of a lifecycle step: a person of the convention, with the roles their memberships give
 * them in its instances and the kind of structure they speak for, and the application role given.
 *
 * @deprecated for HTTP routes: the role here is the caller's word. Routes take the actor from the
 * signed-in viewer with `actorOf(request, store, conventionId)` (server/plugins/auth.ts), whose role
 * is derived from the person's seats (domain/access.ts, store/access/find-actor.ts). Kept for workflow
 * tests that need an actor in a given role, and until the routes of other branches are converted.
 */
export async function resolveActor(
  prisma: PrismaClient,
  conventionId: string,
  email: unknown,
  appRole: unknown,
): Promise<Actor> {
  if (typeof email !== 'string' || email.trim() === '') {
    throw new DomainError('INVALID_INPUT', 'Indiquez qui agit : « actor.email ».', 'actor.email');
  }
  const role = appRole ?? 'membre';
  if (typeof role !== 'string' || !(APP_ROLES as readonly string[]).includes(role)) {
    throw new DomainError(
      'INVALID_INPUT',
      `« actor.appRole » doit être l’un de : ${APP_ROLES.join(', ')}.`,
      'actor.appRole',
    );
  }
  const person = await prisma.person.findUnique({
    where: { email: email.trim().toLowerCase() },
    include: {
      structure: { select: { kind: true } },
      memberships: { where: { instance: { conventionId } }, include: { instance: { select: { kind: true } } } },
    },
  });
  if (!person) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `${email.trim()} n’est membre d’aucune instance de cette convention.`,
      'actor.email',
    );
  }
  const instanceRoles: Partial<Record<InstanceKind, MemberRole[]>> = {};
  for (const membership of person.memberships) {
    const kind = membership.instance.kind as InstanceKind;
    (instanceRoles[kind] ??= []).push(membership.role as MemberRole);
  }
  return {
    email: person.email,
    appRole: role as AppRole,
    instanceRoles,
    ...(person.structure ? { structureKind: person.structure.kind as StructureKind } : {}),
  };
}
