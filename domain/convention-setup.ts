import { z } from 'zod';
import {
  INSTANCE_KINDS,
  MEMBER_ROLES,
  REFERENCE_CHARTER,
  SEATS,
  STRUCTURE_KINDS,
  charterSchema,
  checkMemberships,
  type CharterFacts,
  type MembershipFact,
} from './charter.js';
import { DomainError, type FieldIssue } from './errors.js';
import { instanceMeetingRuleSchema } from './meeting-recurrence.js';
import { POLL_OPTION_KINDS } from './poll-rules.js';
import { SCHOOL_ZONES } from './school-holidays.js';
import { email, isoDate, nonEmptyText, parseInput, shareable, slug, summariseIssues, text } from './validation.js';

/**
 * The whole setup of one convention as a JSON document: the file an administrator imports, the one
 * an export writes, and the demo data. Records refer to each other by natural keys (structure slug,
 * person email, instance slug, enjeu and objectif codes), never by database ids, so a file moves
 * between databases unchanged.
 */

export const SETUP_FORMAT = 'concerto.convention-setup';
export const SETUP_VERSION = 1;

export const CONVENTION_STATUSES = ['projet', 'signee', 'en_cours', 'prolongee', 'close'] as const;
/** Defined beside the school holidays they select; re-exported for the setup's readers. */
export { SCHOOL_ZONES };
/** Defined with the poll rules; re-exported for the setup's readers. */
export { POLL_OPTION_KINDS };
export const MILESTONE_STATUSES = ['a_venir', 'fait', 'reporte'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export const DEFAULT_TIMEZONE = 'Europe/Paris';

const optionalText = (max: number) => nonEmptyText(max).optional();
const optionalParagraphs = (max: number) => nonEmptyText(max, { multiline: true }).optional();

/** Enjeu and objectif codes: « E1 », « E1-OS2 », « E1-OS2-OO1 ». */
const code = () =>
  text(40).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
    error: 'Un code est fait de lettres, chiffres, points, tirets (40 caractères au plus), par exemple « E1-OS2 ».',
  });

/** An instant with its offset, e.g. « 2024-03-26T09:00:00+01:00 »: the hour people read stays visible. */
const instant = () =>
  z.iso.datetime({
    offset: true,
    error: 'Date et heure attendues au format ISO avec décalage, par exemple « 2024-03-26T09:00:00+01:00 ».',
  });

const timeZone = () =>
  text(64).refine(isTimeZone, { error: 'Fuseau horaire inconnu : utilisez un nom IANA tel que « Europe/Paris ».' });

const enumOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} : valeurs possibles ${values.map((v) => `« ${v} »`).join(', ')}.` });

const objectifOperationnelSchema = z.strictObject({
  code: code(),
  kind: z.literal('operationnel', { error: 'Sous un objectif stratégique, « kind » vaut « operationnel ».' }),
  title: nonEmptyText(300),
  description: optionalParagraphs(5000),
});

const objectifStrategiqueSchema = z.strictObject({
  code: code(),
  kind: z.literal('strategique', { error: 'Sous un enjeu, « kind » vaut « strategique ».' }),
  title: nonEmptyText(300),
  description: optionalParagraphs(5000),
  objectifs: z.array(objectifOperationnelSchema).optional(),
});

const pollOptionSchema = z
  .strictObject({
    kind: enumOf(POLL_OPTION_KINDS, 'Type d’option'),
    startsAt: instant(),
    endsAt: instant(),
    label: nonEmptyText(200),
    capacity: z.int().min(1).optional(),
  })
  .refine((o) => Date.parse(o.endsAt) > Date.parse(o.startsAt), {
    error: 'La fin doit suivre le début.',
    path: ['endsAt'],
  });

export const conventionSetupSchema = shareable(
  z.strictObject({
    format: z.literal(SETUP_FORMAT, { error: `« format » doit valoir « ${SETUP_FORMAT} ».` }),
    version: z.literal(SETUP_VERSION, { error: `Seule la version ${SETUP_VERSION} du format est lue.` }),
    convention: z
      .strictObject({
        slug: slug(),
        name: nonEmptyText(200),
        territory: nonEmptyText(200),
        startDate: isoDate(),
        endDate: isoDate(),
        status: enumOf(CONVENTION_STATUSES, 'Statut de la convention'),
        timezone: timeZone().default(DEFAULT_TIMEZONE),
        schoolZone: enumOf(SCHOOL_ZONES, 'Zone scolaire').optional(),
        /** Absent: the reference charter (domain/charter.ts). */
        charter: charterSchema().optional(),
      })
      .refine((c) => c.endDate >= c.startDate, {
        error: 'La fin de la convention doit suivre son début.',
        path: ['endDate'],
      }),
    structures: z.array(
      z.strictObject({
        slug: slug(),
        name: nonEmptyText(200),
        kind: enumOf(STRUCTURE_KINDS, 'Type de structure'),
        email: email().optional(),
        address: optionalText(500),
      }),
    ),
    people: z.array(
      z.strictObject({
        email: email(),
        displayName: nonEmptyText(200),
        title: optionalText(200),
        phone: optionalText(40),
        structure: slug().optional(),
        /** An admin of Concerto (domain/access.ts); left out, the flag stays as it is. */
        admin: z.boolean().optional(),
      }),
    ),
    signatories: z.array(z.strictObject({ structure: slug(), signedAt: isoDate().optional() })),
    amendments: z.array(
      z.strictObject({
        number: z.int().min(1),
        title: nonEmptyText(200),
        description: optionalParagraphs(5000),
        newEndDate: isoDate().optional(),
        signedAt: isoDate().optional(),
      }),
    ),
    enjeux: z.array(
      z.strictObject({
        code: code(),
        title: nonEmptyText(300),
        description: optionalParagraphs(5000),
        objectifs: z.array(objectifStrategiqueSchema),
      }),
    ),
    instances: z.array(
      z.strictObject({
        slug: slug(),
        kind: enumOf(INSTANCE_KINDS, 'Type d’instance'),
        name: nonEmptyText(200),
        mission: optionalParagraphs(2000),
        theme: optionalText(300),
        quorum: z.int().min(1).optional(),
        convocationDelayDays: z.int().min(0).max(365).optional(),
        /** Days before each meeting its members are reminded; J-7 and J-1 when absent. */
        reminderDaysBefore: z.array(z.int().min(0).max(90)).max(5).optional(),
        /** Days after a meeting with no decision on a fiche before its secretary is reminded (1 when absent). */
        decisionReminderDays: z.int().min(1).max(90).optional(),
        /** Days after that meeting before the coordinators are told (7 when absent). */
        escalationDays: z.int().min(1).max(180).optional(),
        /** Its recurring meetings, e.g. every quarter on the first Tuesday at 14:00: the annual calendar plans them. */
        meetingRule: instanceMeetingRuleSchema().optional(),
      }),
    ),
    memberships: z.array(
      z.strictObject({
        person: email(),
        instance: slug(),
        structure: slug().optional(),
        role: enumOf(MEMBER_ROLES, 'Rôle'),
        seat: enumOf(SEATS, 'Siège').default('titulaire'),
        /** For a GTT's representatives in the COTECH: the GTT's slug. */
        represents: slug().optional(),
      }),
    ),
    milestones: z.array(
      z
        .strictObject({
          key: slug(),
          year: z.int().min(2000).max(2100),
          title: nonEmptyText(200),
          description: optionalParagraphs(5000),
          startDate: isoDate(),
          endDate: isoDate().optional(),
          ownerInstance: slug().optional(),
          ownerEmail: email().optional(),
          status: enumOf(MILESTONE_STATUSES, 'Statut du jalon').default('a_venir'),
        })
        .refine((m) => m.endDate === undefined || m.endDate >= m.startDate, {
          error: 'La fin du jalon doit suivre son début.',
          path: ['endDate'],
        }),
    ),
    polls: z.array(
      z.strictObject({
        key: slug(),
        title: nonEmptyText(200),
        description: optionalParagraphs(5000),
        organizerEmail: email(),
        /** The instance whose meeting the chosen date becomes (its slug). */
        instance: slug().optional(),
        location: optionalText(500),
        deadline: instant().optional(),
        options: z.array(pollOptionSchema).min(1, { error: 'Un sondage propose au moins une date.' }),
      }),
    ),
  }),
);

/** A parsed setup: defaults applied (timezone, seat, milestone status). */
export type ConventionSetup = z.output<ReturnType<typeof conventionSetupSchema>>;
/** A setup as written in a file, before defaults. */
export type ConventionSetupInput = z.input<ReturnType<typeof conventionSetupSchema>>;

/**
 * Reads a setup file: its shape (every problem at once, each naming its path), then the references
 * between its records, then the charter. Throws DomainError('INVALID_INPUT') or
 * DomainError('CHARTER_VIOLATION') with `issues`; returns the setup with defaults applied.
 */
export function parseConventionSetup(input: unknown): ConventionSetup {
  const setup = parseInput(conventionSetupSchema(), input, { what: 'le fichier de configuration' });
  const issues = checkSetupReferences(setup);
  if (issues.length > 0) throw invalid(issues);
  assertSetupCharter(setup);
  return setup;
}

/**
 * The charter check of a setup: the rules of domain/charter.ts, with each issue's `field` the path
 * of the membership to change (`memberships.7`) or of the instance concerned (`instances.2`).
 * Throws DomainError('CHARTER_VIOLATION') with every issue.
 */
export function assertSetupCharter(setup: ConventionSetup): void {
  const found = checkMemberships(setup.convention.charter ?? REFERENCE_CHARTER, setupCharterFacts(setup));
  if (found.length === 0) return;
  const instanceIndex = new Map(setup.instances.map((instance, index) => [instance.slug, index]));
  const issues: FieldIssue[] = found.map((issue) => {
    const at = issue.instanceSlug === undefined ? undefined : instanceIndex.get(issue.instanceSlug);
    const field = issue.line !== undefined ? `memberships.${issue.line}` : at !== undefined ? `instances.${at}` : '';
    return { field, message: issue.message };
  });
  const listed = issues.map(
    (issue, index) => `${index + 1}) ${issue.field ? `${issue.field} : ` : ''}${issue.message}`,
  );
  const count = issues.length === 1 ? '1 point à corriger' : `${issues.length} points à corriger`;
  throw new DomainError(
    'CHARTER_VIOLATION',
    `La composition des instances ne respecte pas la charte (${count}) : ${listed.join(' ')}`,
    issues[0]?.field || undefined,
    issues,
  );
}

/**
 * Every reference to a structure, person or instance must name one the file defines, and
 * natural keys must be unique. Each issue names the path, e.g. `memberships.12.instance`.
 */
export function checkSetupReferences(setup: ConventionSetup): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const structures = uniqueKeys(setup.structures, (s) => s.slug, 'structures', 'slug', 'La structure', issues);
  const people = uniqueKeys(setup.people, (p) => p.email, 'people', 'email', 'La personne', issues);
  const instances = uniqueKeys(setup.instances, (i) => i.slug, 'instances', 'slug', 'L’instance', issues);
  const gtts = new Set(setup.instances.filter((i) => i.kind === 'gtt').map((i) => i.slug));

  const needStructure = (value: string | undefined, field: string) => {
    if (value !== undefined && !structures.has(value)) {
      issues.push({ field, message: `Structure « ${value} » inconnue : déclarez-la dans « structures ».` });
    }
  };
  const needPerson = (value: string | undefined, field: string) => {
    if (value !== undefined && !people.has(value)) {
      issues.push({ field, message: `Personne « ${value} » inconnue : déclarez-la dans « people ».` });
    }
  };
  const needInstance = (value: string | undefined, field: string) => {
    if (value !== undefined && !instances.has(value)) {
      issues.push({ field, message: `Instance « ${value} » inconnue : déclarez-la dans « instances ».` });
    }
  };

  setup.people.forEach((p, i) => needStructure(p.structure, `people.${i}.structure`));
  uniqueKeys(setup.signatories, (s) => s.structure, 'signatories', 'structure', 'La structure signataire', issues);
  setup.signatories.forEach((s, i) => needStructure(s.structure, `signatories.${i}.structure`));
  uniqueKeys(setup.amendments, (a) => String(a.number), 'amendments', 'number', 'L’avenant', issues);

  uniqueKeys(setup.enjeux, (e) => e.code, 'enjeux', 'code', 'L’enjeu', issues);
  setup.enjeux.forEach((enjeu, e) => {
    const seen = new Map<string, string>();
    const claim = (value: string, field: string) => {
      const first = seen.get(value);
      if (first !== undefined) {
        issues.push({ field, message: `Le code « ${value} » est déjà utilisé dans cet enjeu (${first}).` });
      } else seen.set(value, field);
    };
    enjeu.objectifs.forEach((os, s) => {
      claim(os.code, `enjeux.${e}.objectifs.${s}.code`);
      (os.objectifs ?? []).forEach((oo, o) => claim(oo.code, `enjeux.${e}.objectifs.${s}.objectifs.${o}.code`));
    });
  });

  const memberKeys = new Map<string, number>();
  setup.memberships.forEach((m, i) => {
    const at = `memberships.${i}`;
    needPerson(m.person, `${at}.person`);
    needInstance(m.instance, `${at}.instance`);
    needStructure(m.structure, `${at}.structure`);
    if (m.represents !== undefined) {
      if (!instances.has(m.represents)) needInstance(m.represents, `${at}.represents`);
      else if (!gtts.has(m.represents)) {
        issues.push({
          field: `${at}.represents`,
          message: `« ${m.represents} » n’est pas un groupe de travail thématique (GTT).`,
        });
      }
    }
    const key = `${m.instance}\u0000${m.person}`;
    const first = memberKeys.get(key);
    if (first !== undefined) {
      issues.push({
        field: at,
        message:
          `${m.person} figure déjà dans l’instance « ${m.instance} » ` +
          `(memberships.${first}) : une ligne par personne et par instance.`,
      });
    } else memberKeys.set(key, i);
  });

  uniqueKeys(setup.milestones, (m) => m.key, 'milestones', 'key', 'Le jalon', issues);
  setup.milestones.forEach((m, i) => {
    needInstance(m.ownerInstance, `milestones.${i}.ownerInstance`);
    needPerson(m.ownerEmail, `milestones.${i}.ownerEmail`);
  });

  uniqueKeys(setup.polls, (p) => p.key, 'polls', 'key', 'Le sondage', issues);
  setup.polls.forEach((p, i) => {
    needPerson(p.organizerEmail, `polls.${i}.organizerEmail`);
    needInstance(p.instance, `polls.${i}.instance`);
  });
  return issues;
}

/**
 * The facts the charter rules read. A membership with no structure counts for its person's
 * structure. A JSON file has no lines: `line` carries the membership's index in `memberships`.
 */
export function setupCharterFacts(setup: ConventionSetup): CharterFacts {
  const personStructure = new Map(setup.people.map((p) => [p.email, p.structure]));
  const personName = new Map(setup.people.map((p) => [p.email, p.displayName]));
  return {
    instances: setup.instances.map((i) => ({ slug: i.slug, kind: i.kind, name: i.name })),
    structures: setup.structures.map((s) => ({ slug: s.slug, kind: s.kind, name: s.name })),
    memberships: setup.memberships.map((m, index): MembershipFact => ({
      line: index,
      personEmail: m.person,
      personName: personName.get(m.person),
      instanceSlug: m.instance,
      structureSlug: m.structure ?? personStructure.get(m.person),
      role: m.role,
      seat: m.seat,
      representsInstanceSlug: m.represents,
    })),
  };
}

function uniqueKeys<T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  section: string,
  keyField: string,
  what: string,
  issues: FieldIssue[],
): Set<string> {
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const key = keyOf(row);
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        field: `${section}.${i}.${keyField}`,
        message: `${what} « ${key} » figure déjà en ${section}.${first} : une seule fois par fichier.`,
      });
    } else seen.set(key, i);
  });
  return new Set(seen.keys());
}

function invalid(issues: FieldIssue[]): DomainError {
  const located = issues.map((issue) => ({ ...issue, message: `${issue.field} : ${issue.message}` }));
  return new DomainError(
    'INVALID_INPUT',
    summariseIssues('le fichier de configuration', located),
    issues[0]?.field,
    issues,
  );
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date (`@db.Date`) as written in a setup: « 2024-03-26 ». */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A calendar date of a setup as the UTC midnight Prisma stores in a `@db.Date` column. */
export function dateFromIso(value: string): Date {
  return new Date(`${value}T00:00:00.000Z`);
}

/**
 * An instant as written in a setup: the wall-clock time in `timeZone` with its offset, e.g.
 * « 2024-03-26T09:00:00+01:00 » for 08:00Z in Paris, so the file shows the hour people meet.
 */
export function formatInstant(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const zone = part('timeZoneName');
  const offset = zone === 'GMT' ? '+00:00' : zone.slice(3);
  const millis = at.getUTCMilliseconds();
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return (
    `${part('year')}-${part('month')}-${part('day')}T${part('hour')}` +
    `:${part('minute')}:${part('second')}${fraction}${offset}`
  );
}
