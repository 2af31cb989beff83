import { z } from 'zod';
import { DomainError, type FieldIssue } from './errors.js';
import { capitalise, fieldPath, parseInput, shareable } from './validation.js';

/**
 * The charter of a convention's governance, as data: who may sit where, how GTTs are represented,
 * who records each instance's decisions, how long before a meeting its convocation leaves. Each
 * convention stores its own (`Convention.charter`); {@link REFERENCE_CHARTER} is the one the
 * Mellois en Poitou CTG 2023-2027 presentation describes, and the default.
 */

export const INSTANCE_KINDS = [
  'bureau_communautaire',
  'copil',
  'cotech',
  'gtt',
  'groupe_elaboration',
  'conseil_communautaire',
] as const;
export type InstanceKind = (typeof INSTANCE_KINDS)[number];

export const STRUCTURE_KINDS = [
  'collectivite',
  'caf',
  'msa',
  'association',
  'institution',
  'commune',
  'autre',
] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

export const MEMBER_ROLES = [
  'president',
  'vice_president',
  'elu',
  'elu_referent',
  'directeur',
  'technicien',
  'charge_cooperation',
  'representant_gtt',
  'secretaire',
  'usager',
  'membre',
] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const SEATS = ['titulaire', 'suppleant'] as const;
export type Seat = (typeof SEATS)[number];

export const INSTANCE_KIND_LABELS: Record<InstanceKind, string> = {
  bureau_communautaire: 'Bureau communautaire',
  copil: 'COPIL',
  cotech: 'COTECH',
  gtt: 'GTT',
  groupe_elaboration: 'groupe d’élaboration du plan d’actions',
  conseil_communautaire: 'conseil communautaire',
};

export const STRUCTURE_KIND_LABELS: Record<StructureKind, string> = {
  collectivite: 'collectivité',
  caf: 'CAF',
  msa: 'MSA',
  association: 'association',
  institution: 'institution',
  commune: 'commune',
  autre: 'autre',
};

export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = {
  president: 'président',
  vice_president: 'vice-président',
  elu: 'élu',
  elu_referent: 'élu référent',
  directeur: 'directeur',
  technicien: 'technicien',
  charge_cooperation: 'chargé de coopération',
  representant_gtt: 'représentant de GTT',
  secretaire: 'secrétaire',
  usager: 'usager',
  membre: 'membre',
};

/** A convention's charter. Plain JSON: it is stored as is in `Convention.charter`. */
export interface Charter {
  /**
   * At most `maxPersons` distinct persons of one structure of one of `structureKinds` in each
   * instance of `instanceKind`, titulaires and suppléants together.
   */
  structureLimits: Array<{ instanceKind: InstanceKind; structureKinds: StructureKind[]; maxPersons: number }>;
  /**
   * Every GTT is represented in each instance of `inInstanceKind` by exactly `persons` members
   * (their membership names the GTT in `representsInstanceSlug`), at least one of them with
   * `requiredRole`. `null`: GTTs are not represented anywhere.
   */
  gttRepresentation: { inInstanceKind: InstanceKind; persons: number; requiredRole: MemberRole } | null;
  /**
   * The instances that take decisions, each with the roles whose holders record them (an admin
   * may always correct the record). An instance kind absent here takes no decisions.
   */
  decisionRecorders: Partial<Record<InstanceKind, MemberRole[]>>;
  /**
   * Minimum delay, in jours francs (neither the day the convocation leaves nor the day of the
   * meeting count), between convocation and meeting, per instance kind; an instance's own
   * `convocationDelayDays` overrides it.
   */
  convocationDelayDays: Partial<Record<InstanceKind, number>>;
  /**
   * How each instance kind counts pouvoirs (domain/meeting-seats.ts): how many one member may hold,
   * whether they count towards the quorum. Absent: one per holder, not counted (CGCT L2121-17, -20).
   */
  seatRules?: Partial<Record<InstanceKind, { maxProxiesPerHolder?: number; quorumCountsProxies?: boolean }>>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The reference charter (« LA GOUVERNANCE » of the presentation):
 * - COPIL: « structures partenaires associatives ou institutionnelles (2 personnes max / structure) »;
 *   the CAF, the MSA and the collectivité send whom they need (« direction et/ou techniciens »).
 * - COTECH: « représentants des groupes de travail (binôme dont 1 chargé de coopération) ».
 * - Decisions: the Bureau VALIDE, the COPIL DÉCIDE, the COTECH gives its avis, the conseil
 *   communautaire délibère. The secrétaire de séance records them; in the elected or chaired bodies
 *   (Bureau, COPIL, conseil) the président, who chairs and signs the relevé de décisions, may too.
 *   The COTECH is a technical body without an elected chair: its secretariat records its avis (as
 *   `assertMayRecordAvis` in fiche.ts does). GTTs and the groupe d’élaboration write and propose;
 *   they decide nothing the application records.
 * - Convocations: 5 jours francs for the conseil communautaire (CGCT L2121-12 via L5211-1) and the
 *   Bureau, which acts on the conseil’s delegation; 14 days for the COPIL and the groupe
 *   d’élaboration, whose partners (CAF, MSA, associations) plan their diaries further ahead; 7 for
 *   the COTECH and the GTTs, working groups of technicians who meet often.
 */
export const REFERENCE_CHARTER: Charter = deepFreeze({
  structureLimits: [{ instanceKind: 'copil', structureKinds: ['association', 'institution'], maxPersons: 2 }],
  gttRepresentation: { inInstanceKind: 'cotech', persons: 2, requiredRole: 'charge_cooperation' },
  decisionRecorders: {
    bureau_communautaire: ['secretaire', 'president'],
    copil: ['secretaire', 'president'],
    cotech: ['secretaire'],
    conseil_communautaire: ['secretaire', 'president'],
  },
  convocationDelayDays: {
    conseil_communautaire: 5,
    bureau_communautaire: 5,
    copil: 14,
    groupe_elaboration: 14,
    cotech: 7,
    gtt: 7,
  },
});

const instanceKind = z.enum(INSTANCE_KINDS);
const structureKind = z.enum(STRUCTURE_KINDS);
const memberRole = z.enum(MEMBER_ROLES);

/** A map keyed by instance kind: an unknown key is most likely a misspelt kind, so list them. */
function byInstanceKind<T extends z.ZodType>(value: T) {
  return z.partialRecord(instanceKind, value, {
    // Typed for the record's own issues; at run time the enum keys report `unrecognized_keys` here.
    error: (issue: z.core.$ZodRawIssue) =>
      issue.code === 'unrecognized_keys'
        ? `« ${fieldPath(issue.path ?? [])} » cite un type d’instance inconnu ` +
          `(${issue.keys.join(', ')}) : types possibles ${INSTANCE_KINDS.join(', ')}.`
        : undefined,
  });
}

/** Validates a stored or imported charter; unknown keys are refused, so a typo does not pass silently. */
export const charterSchema = shareable<z.ZodType<Charter>>(
  z.strictObject({
    structureLimits: z.array(
      z.strictObject({
        instanceKind,
        structureKinds: z
          .array(structureKind)
          .min(1)
          .refine((kinds) => new Set(kinds).size === kinds.length, {
            error: (issue) =>
              `« ${fieldPath(issue.path ?? [])} » cite plusieurs fois le même type de structure : gardez-en un.`,
          }),
        maxPersons: z.int().min(1),
      }),
    ),
    gttRepresentation: z
      .strictObject({
        inInstanceKind: instanceKind.refine((kind) => kind !== 'gtt', {
          error: (issue) =>
            `« ${fieldPath(issue.path ?? [])} » : un GTT ne se fait pas ` +
            `représenter dans un autre GTT ; choisissez par exemple « cotech ».`,
        }),
        persons: z.int().min(1).max(10),
        requiredRole: memberRole,
      })
      .nullable(),
    decisionRecorders: byInstanceKind(z.array(memberRole)),
    convocationDelayDays: byInstanceKind(z.int().min(0).max(365)),
    seatRules: byInstanceKind(
      z.strictObject({
        maxProxiesPerHolder: z.int().min(0).max(10).optional(),
        quorumCountsProxies: z.boolean().optional(),
      }),
    ).optional(),
  }),
);

/** Reads a charter from storage or an import; throws DomainError('INVALID_INPUT') naming each field. */
export function parseCharter(input: unknown): Charter {
  return parseInput(charterSchema(), input, { what: 'la charte' });
}

export interface MembershipFact {
  /** The line of the import it comes from, to point people at it. */
  line?: number;
  personEmail: string;
  personName?: string;
  instanceSlug: string;
  structureSlug?: string;
  role: MemberRole;
  seat: Seat;
  /** For a GTT's representative: the GTT's slug. */
  representsInstanceSlug?: string;
}

export interface InstanceFact {
  slug: string;
  kind: InstanceKind;
  name: string;
}

export interface StructureFact {
  slug: string;
  kind: StructureKind;
  name: string;
}

export interface CharterFacts {
  instances: InstanceFact[];
  structures: StructureFact[];
  memberships: MembershipFact[];
}

/** Every rule {@link checkMemberships} reports, listed once. */
export const CHARTER_ISSUE_CODES = {
  UNKNOWN_INSTANCE: 'A membership names an instance the convention does not have.',
  UNKNOWN_STRUCTURE: 'A membership names a structure the convention does not have.',
  DUPLICATE_MEMBERSHIP: 'A person appears more than once in one instance.',
  STRUCTURE_LIMIT_EXCEEDED: 'More persons of one structure sit in an instance than the charter allows.',
  REPRESENTED_INSTANCE_UNKNOWN: 'A membership represents an instance the convention does not have.',
  REPRESENTED_INSTANCE_NOT_GTT: 'A membership represents an instance that is not a GTT.',
  REPRESENTATION_OUT_OF_PLACE:
    'A membership represents a GTT in an instance where the charter provides for no representation.',
  GTT_REPRESENTATION_COUNT: 'A GTT has not exactly the number of representatives the charter asks for.',
  GTT_REPRESENTATION_ROLE: 'None of a GTT’s representatives has the role the charter requires.',
} as const;
export type CharterIssueCode = keyof typeof CHARTER_ISSUE_CODES;

export interface CharterIssue {
  code: CharterIssueCode;
  /** French: what is wrong and what to change, naming the structure, the instance, the persons. */
  message: string;
  /** The import line of the membership to change, when one is at fault and came with a line. */
  line?: number;
  /** The instance whose members must change. */
  instanceSlug?: string;
}

function personKey(email: string): string {
  return email.trim().toLowerCase();
}

function personLabel(m: MembershipFact): string {
  return m.personName ? `${m.personName} (${m.personEmail})` : m.personEmail;
}

function names(memberships: readonly MembershipFact[]): string {
  return memberships.map((m) => m.personName ?? m.personEmail).join(', ');
}

function instanceLabel(instance: InstanceFact): string {
  return `l’instance « ${instance.name} » (${instance.slug})`;
}

function gttLabel(instance: InstanceFact): string {
  return `le GTT « ${instance.name} » (${instance.slug})`;
}

function personsLabel(n: number): string {
  if (n === 2) return 'un binôme (2 personnes)';
  return n === 1 ? '1 personne' : `${n} personnes`;
}

function lineOf(m: MembershipFact | undefined): { line?: number } {
  return m?.line !== undefined ? { line: m.line } : {};
}

/** One membership per person: the first seen, in input order. */
function distinctPersons(memberships: readonly MembershipFact[]): MembershipFact[] {
  const seen = new Map<string, MembershipFact>();
  for (const m of memberships) if (!seen.has(personKey(m.personEmail))) seen.set(personKey(m.personEmail), m);
  return [...seen.values()];
}

/**
 * Checks the members of a convention's instances against its charter. Returns every issue, in
 * this order: unknown references, duplicates, structure limits, GTT representation; empty when
 * all is well. A GTT representation is only checked in the instances of the charter's kind that
 * exist (no COTECH yet: nothing to check).
 */
export function checkMemberships(charter: Charter, facts: CharterFacts): CharterIssue[] {
  const issues: CharterIssue[] = [];
  const instances = new Map(facts.instances.map((i) => [i.slug, i]));
  const structures = new Map(facts.structures.map((s) => [s.slug, s]));

  const known: MembershipFact[] = [];
  for (const m of facts.memberships) {
    if (!instances.has(m.instanceSlug)) {
      issues.push({
        code: 'UNKNOWN_INSTANCE',
        message:
          `${capitalise(personLabel(m))} est inscrit dans l’instance « ${m.instanceSlug} ` +
          `», qui n’existe pas : corrigez son identifiant ou créez l’instance.`,
        ...lineOf(m),
      });
      continue;
    }
    if (m.structureSlug !== undefined && !structures.has(m.structureSlug)) {
      issues.push({
        code: 'UNKNOWN_STRUCTURE',
        message:
          `${capitalise(personLabel(m))} siège pour la structure « ${m.structureSlug} ` +
          `», qui n’existe pas : corrigez son identifiant ou déclarez la structure.`,
        ...lineOf(m),
        instanceSlug: m.instanceSlug,
      });
    }
    known.push(m);
  }

  const byInstance = new Map<string, MembershipFact[]>();
  for (const m of known) {
    const list = byInstance.get(m.instanceSlug) ?? [];
    const first = list.find((other) => personKey(other.personEmail) === personKey(m.personEmail));
    if (first) {
      const instance = instances.get(m.instanceSlug)!;
      const where = first.line !== undefined ? ` (ligne ${first.line})` : '';
      issues.push({
        code: 'DUPLICATE_MEMBERSHIP',
        message:
          `${capitalise(personLabel(m))} figure déjà dans ${instanceLabel(instance)}${where} ` +
          `: une seule ligne par personne et par instance, supprimez l’une des deux.`,
        ...lineOf(m),
        instanceSlug: m.instanceSlug,
      });
    }
    list.push(m);
    byInstance.set(m.instanceSlug, list);
  }

  for (const limit of charter.structureLimits) {
    for (const instance of facts.instances.filter((i) => i.kind === limit.instanceKind)) {
      const byStructure = new Map<string, MembershipFact[]>();
      for (const m of byInstance.get(instance.slug) ?? []) {
        const structure = m.structureSlug === undefined ? undefined : structures.get(m.structureSlug);
        if (!structure || !limit.structureKinds.includes(structure.kind)) continue;
        byStructure.set(structure.slug, [...(byStructure.get(structure.slug) ?? []), m]);
      }
      for (const [structureSlug, memberships] of byStructure) {
        const persons = distinctPersons(memberships);
        if (persons.length <= limit.maxPersons) continue;
        const structure = structures.get(structureSlug)!;
        const surplus = persons.length - limit.maxPersons;
        issues.push({
          code: 'STRUCTURE_LIMIT_EXCEEDED',
          message:
            `${persons.length} personnes de la structure « ${structure.name} » ` +
            `(${structure.slug}) siègent dans ${instanceLabel(instance)} : ${names(persons)}. ` +
            `La charte en admet ${limit.maxPersons} au plus par structure ` +
            `(${STRUCTURE_KIND_LABELS[structure.kind]}), titulaires et suppléants compris : ` +
            `retirez-en ${surplus} de cette instance, ou corrigez la structure de qui y siège pour une autre.`,
          ...lineOf(persons[limit.maxPersons]),
          instanceSlug: instance.slug,
        });
      }
    }
  }

  const rep = charter.gttRepresentation;
  for (const m of known) {
    if (m.representsInstanceSlug === undefined) continue;
    const instance = instances.get(m.instanceSlug)!;
    const represented = instances.get(m.representsInstanceSlug);
    const base = { ...lineOf(m), instanceSlug: m.instanceSlug };
    if (!represented) {
      issues.push({
        code: 'REPRESENTED_INSTANCE_UNKNOWN',
        message:
          `${capitalise(personLabel(m))} représente « ${m.representsInstanceSlug} » dans ` +
          `${instanceLabel(instance)}, mais aucune instance ne porte cet identifiant : indiquez celui d’un GTT ` +
          `existant.`,
        ...base,
      });
    } else if (represented.kind !== 'gtt') {
      issues.push({
        code: 'REPRESENTED_INSTANCE_NOT_GTT',
        message:
          `${capitalise(personLabel(m))} représente ${instanceLabel(represented)} dans ` +
          `${instanceLabel(instance)}, qui n’est pas un groupe de travail thématique : seul un GTT se fait ` +
          `représenter ; indiquez un GTT ou retirez cette mention.`,
        ...base,
      });
    } else if (!rep || instance.kind !== rep.inInstanceKind) {
      const where = rep ? `qu’au ${INSTANCE_KIND_LABELS[rep.inInstanceKind]}` : 'nulle part';
      issues.push({
        code: 'REPRESENTATION_OUT_OF_PLACE',
        message:
          `${capitalise(personLabel(m))} représente ${gttLabel(represented)} dans ${instanceLabel(instance)} ` +
          `: la charte ne prévoit la représentation des GTT ${where} ; retirez cette mention.`,
        ...base,
      });
    }
  }

  if (rep) {
    const gtts = facts.instances.filter((i) => i.kind === 'gtt');
    for (const host of facts.instances.filter((i) => i.kind === rep.inInstanceKind)) {
      const members = byInstance.get(host.slug) ?? [];
      for (const gtt of gtts) {
        const representatives = distinctPersons(members.filter((m) => m.representsInstanceSlug === gtt.slug));
        const wanted = personsLabel(rep.persons);
        const role = MEMBER_ROLE_LABELS[rep.requiredRole];
        const n = representatives.length;
        if (n === 0) {
          issues.push({
            code: 'GTT_REPRESENTATION_COUNT',
            message:
              `${capitalise(gttLabel(gtt))} n’est pas représenté dans ${instanceLabel(host)} : désignez ` +
              `${wanted} dont au moins un ${role}, en indiquant le GTT qu’ils représentent (${gtt.slug}).`,
            instanceSlug: host.slug,
          });
        } else if (n !== rep.persons) {
          const change = n < rep.persons ? `ajoutez-en ${rep.persons - n}` : `retirez-en ${n - rep.persons}`;
          issues.push({
            code: 'GTT_REPRESENTATION_COUNT',
            message:
              `${capitalise(gttLabel(gtt))} a ${n} représentant${n > 1 ? 's' : ''} dans ` +
              `${instanceLabel(host)} (${names(representatives)}) : la charte en demande ${wanted} ; ${change}.`,
            ...(n > rep.persons ? lineOf(representatives[rep.persons]) : {}),
            instanceSlug: host.slug,
          });
        }
        if (n > 0 && !representatives.some((m) => m.role === rep.requiredRole)) {
          issues.push({
            code: 'GTT_REPRESENTATION_ROLE',
            message:
              `Aucun des représentants du ${gttLabel(gtt).replace(/^le /, '')} dans ${instanceLabel(host)} ` +
              `(${names(representatives)}) n’est ${role} : la charte en demande au moins un ; remplacez l’un d’eux ` +
              `par un ${role} ou corrigez son rôle.`,
            instanceSlug: host.slug,
          });
        }
      }
    }
  }

  return issues;
}

/**
 * Throws DomainError('CHARTER_VIOLATION') listing every issue (`field`: « line N », else the
 * instance's slug) when the memberships break the charter.
 */
export function assertCharter(charter: Charter, facts: CharterFacts): void {
  const found = checkMemberships(charter, facts);
  if (found.length === 0) return;
  const issues: FieldIssue[] = found.map((issue) => ({
    field: issue.line !== undefined ? `ligne ${issue.line}` : (issue.instanceSlug ?? ''),
    message: issue.message,
  }));
  const listed = found.map(
    (issue, index) => `${index + 1}) ${issue.line !== undefined ? `Ligne ${issue.line} : ` : ''}${issue.message}`,
  );
  const count = found.length === 1 ? '1 point à corriger' : `${found.length} points à corriger`;
  throw new DomainError(
    'CHARTER_VIOLATION',
    `La composition des instances ne respecte pas la charte (${count}) : ${listed.join(' ')}`,
    undefined,
    issues,
  );
}

/**
 * Whether someone holding `actorRolesInInstance` in an instance of `instanceKind` may record its
 * decisions. An admin may, to correct the record, but only for an instance that takes decisions.
 */
export function mayRecordDecision(
  charter: Charter,
  instanceKind: InstanceKind,
  actorRolesInInstance: MemberRole[],
  isAdmin: boolean,
): boolean {
  const recorders = charter.decisionRecorders[instanceKind];
  if (!recorders) return false;
  return isAdmin || actorRolesInInstance.some((role) => recorders.includes(role));
}
