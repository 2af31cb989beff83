import type { InstanceKind, MemberRole, StructureKind } from './charter.js';
import { DomainError } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { PARTNERS, type AppRole } from './lifecycle/vocabulary.js';

/**
 * Who a signed-in person acts as in a convention, derived from what the store knows of them —
 * never from what a request claims. One rule, in this order (the first that applies wins):
 *
 * 1. **admin**: the person's `admin` flag (set by `CONCERTO_ADMINS` at start, or by the setup's
 *    `admin: true`). An admin may do anything, in every convention, even without a seat.
 * 2. **coopérateur**: the person sits, in one of the convention's instances, as `charge_cooperation`.
 *    The coopérateurs are the collectivité's staff who run the CTG; the charter seats them in the
 *    COTECH and the GTTs as chargés de coopération, and no one else holds that role.
 * 3. **secrétaire d'instance**: the person is `secretaire` of one of its instances.
 * 4. **partenaire**: the person speaks for the CAF or the MSA (their structure's kind), the
 *    partners whose opinions the COPIL waits for.
 * 5. **membre**: any other person with a seat in one of its instances.
 *
 * A person with no seat in the convention, and not an admin, takes no part in it: refused.
 *
 * `appRole` only sums up; what a step allows is still decided by the domain rules with the
 * per-instance roles (`instanceRoles`): a secrétaire records the decisions of *their* instance
 * only, a partenaire records *their* structure's opinion only.
 */
export interface PersonAccess {
  email: string;
  admin: boolean;
  structureKind?: StructureKind;
  /** The person's seats in the instances of the convention acted in. */
  memberships: ReadonlyArray<{ instanceKind: InstanceKind; role: MemberRole }>;
}

/** The application role {@link PersonAccess} gives, by the rule above; null when none. */
export function appRoleOf(person: PersonAccess): AppRole | null {
  if (person.admin) return 'admin';
  const roles = new Set(person.memberships.map((membership) => membership.role));
  if (roles.has('charge_cooperation')) return 'cooperateur';
  if (roles.has('secretaire')) return 'secretaire_instance';
  if (person.memberships.length === 0) return null;
  if (person.structureKind && (PARTNERS as readonly string[]).includes(person.structureKind)) return 'partenaire';
  return 'membre';
}

/** The actor a person is in a convention; throws ROLE_NOT_ALLOWED when they take no part in it. */
export function actorFromAccess(person: PersonAccess): Actor {
  const appRole = appRoleOf(person);
  if (!appRole) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `${person.email} n’est membre d’aucune instance de cette ` +
        `convention : demandez à un coopérateur de vous y inscrire.`,
      'actor',
    );
  }
  const instanceRoles: Partial<Record<InstanceKind, MemberRole[]>> = {};
  for (const { instanceKind, role } of person.memberships) (instanceRoles[instanceKind] ??= []).push(role);
  return {
    email: person.email,
    appRole,
    instanceRoles,
    ...(person.structureKind ? { structureKind: person.structureKind } : {}),
  };
}

/** Roles that read and export a whole convention's setup and members (names and addresses of everyone). */
const CONVENTION_STEWARDS: readonly AppRole[] = ['admin', 'cooperateur'];

/** Exports of a convention's setup and members: its coopérateurs and the admins. */
export function assertMayExportConvention(actor: Actor): void {
  if (!CONVENTION_STEWARDS.includes(actor.appRole)) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      'Seuls les coopérateurs de la convention et les administrateurs peuvent en exporter la composition.',
      'actor',
    );
  }
}

/**
 * Who made a request, as the HTTP layer knows them (server/plugins/auth.ts): signed in by a session cookie or an API
 * token.
 */
export interface Viewer {
  personId: string;
  email: string;
  displayName: string;
  admin: boolean;
  via: 'session' | 'token';
}

/**
 * The département's view across conventions (fiches by stage, late steps): the CAF's and the MSA's
 * people, who follow every CTG of the département, and the admins. A collectivité's people see
 * their own conventions on their board only.
 */
export function mayViewDepartement(person: { admin: boolean; structureKind: StructureKind | null }): boolean {
  return (
    person.admin || (person.structureKind !== null && (PARTNERS as readonly string[]).includes(person.structureKind))
  );
}

/** {@link mayViewDepartement}, refused in French. */
export function assertMayViewDepartement(person: { admin: boolean; structureKind: StructureKind | null }): void {
  if (mayViewDepartement(person)) return;
  throw new DomainError(
    'ROLE_NOT_ALLOWED',
    'La vue départementale est réservée aux agents de la CAF et de la MSA, et aux administrateurs.',
    'actor',
  );
}
