import { INSTANCE_KINDS } from '../../domain/charter.js';
import {
  SETUP_FORMAT,
  SETUP_VERSION,
  formatDate,
  formatInstant,
  type ConventionSetup,
} from '../../domain/convention-setup.js';
import { DomainError } from '../../domain/errors.js';
import { DEFAULT_REMINDER_DAYS } from '../../domain/meeting-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { storedMeetingRule } from './save-meeting-rules.js';

/**
 * The whole setup of a convention as the JSON document {@link importConventionSetup} reads. Order is
 * stable (instances in governance order, then by slug; people by email; milestones by date…) and
 * optional fields are left out when empty, so exporting, importing elsewhere and exporting again
 * gives the same document. Instants are written in the convention's time zone with their offset.
 * Structures and people are those the convention refers to: signatories, members, their
 * structures, milestone owners, poll organisers and fiche partners.
 */
export async function exportConventionSetup(prisma: PrismaClient, conventionSlug: string): Promise<ConventionSetup> {
  const convention = await prisma.convention.findUnique({
    where: { slug: conventionSlug },
    include: {
      signatories: { include: { structure: { select: { slug: true } } } },
      amendments: true,
      enjeux: { include: { objectifs: true } },
      instances: true,
      milestones: true,
      polls: { include: { options: true, instance: { select: { slug: true } } } },
    },
  });
  if (!convention) {
    throw new DomainError('INVALID_INPUT', `Aucune convention « ${conventionSlug} » : vérifiez le slug.`, 'convention');
  }
  const memberships = await prisma.membership.findMany({
    where: { instance: { conventionId: convention.id } },
    include: {
      instance: { select: { slug: true, kind: true } },
      person: { select: { email: true } },
      structure: { select: { slug: true } },
      representsInstance: { select: { slug: true } },
    },
  });

  const emails = new Set<string>(memberships.map((m) => m.person.email));
  for (const m of convention.milestones) if (m.ownerEmail) emails.add(m.ownerEmail);
  for (const p of convention.polls) emails.add(p.organizerEmail);
  const people = await prisma.person.findMany({
    where: { email: { in: [...emails] } },
    include: { structure: { select: { slug: true } } },
  });

  const structureIds = new Set<string>(convention.signatories.map((s) => s.structureId));
  for (const m of memberships) if (m.structureId) structureIds.add(m.structureId);
  for (const p of people) if (p.structureId) structureIds.add(p.structureId);
  const partners = await prisma.structure.findMany({
    where: { partnerOf: { some: { fiche: { conventionId: convention.id } } } },
    select: { id: true },
  });
  for (const s of partners) structureIds.add(s.id);
  const structures = await prisma.structure.findMany({ where: { id: { in: [...structureIds] } } });

  const zone = convention.timezone;
  const kindRank = (kind: string) => {
    const rank = (INSTANCE_KINDS as readonly string[]).indexOf(kind);
    return rank === -1 ? INSTANCE_KINDS.length : rank;
  };
  const byInstance = (a: { kind: string; slug: string }, b: { kind: string; slug: string }) =>
    kindRank(a.kind) - kindRank(b.kind) || naturalCompare(a.slug, b.slug);

  return {
    format: SETUP_FORMAT,
    version: SETUP_VERSION,
    convention: {
      slug: convention.slug,
      name: convention.name,
      territory: convention.territory,
      startDate: formatDate(convention.startDate),
      endDate: formatDate(convention.endDate),
      status: convention.status as ConventionSetup['convention']['status'],
      timezone: convention.timezone,
      ...optional('schoolZone', convention.schoolZone as ConventionSetup['convention']['schoolZone'] | null),
      charter: convention.charter as unknown as ConventionSetup['convention']['charter'],
    },
    structures: structures
      .sort((a, b) => naturalCompare(a.slug, b.slug))
      .map((s) => ({
        slug: s.slug,
        name: s.name,
        kind: s.kind as ConventionSetup['structures'][number]['kind'],
        ...optional('email', s.email),
        ...optional('address', s.address),
      })),
    people: people
      .sort((a, b) => naturalCompare(a.email, b.email))
      .map((p) => ({
        email: p.email,
        displayName: p.displayName,
        ...optional('title', p.title),
        ...optional('phone', p.phone),
        ...optional('structure', p.structure?.slug),
        ...(p.admin ? { admin: true } : {}),
      })),
    signatories: convention.signatories
      .sort((a, b) => naturalCompare(a.structure.slug, b.structure.slug))
      .map((s) => ({
        structure: s.structure.slug,
        ...optional('signedAt', s.signedAt && formatDate(s.signedAt)),
      })),
    amendments: convention.amendments
      .sort((a, b) => a.number - b.number)
      .map((a) => ({
        number: a.number,
        title: a.title,
        ...optional('description', a.description),
        ...optional('newEndDate', a.newEndDate && formatDate(a.newEndDate)),
        ...optional('signedAt', a.signedAt && formatDate(a.signedAt)),
      })),
    enjeux: convention.enjeux
      .sort((a, b) => a.position - b.position || naturalCompare(a.code, b.code))
      .map((e) => {
        const all = [...e.objectifs].sort((a, b) => naturalCompare(a.code, b.code));
        const strategiques = all.filter((o) => o.parentId === null);
        return {
          code: e.code,
          title: e.title,
          ...optional('description', e.description),
          objectifs: strategiques.map((os) => {
            const operationnels = all.filter((o) => o.parentId === os.id);
            return {
              code: os.code,
              kind: 'strategique' as const,
              title: os.title,
              ...optional('description', os.description),
              ...(operationnels.length > 0
                ? {
                    objectifs: operationnels.map((oo) => ({
                      code: oo.code,
                      kind: 'operationnel' as const,
                      title: oo.title,
                      ...optional('description', oo.description),
                    })),
                  }
                : {}),
            };
          }),
        };
      }),
    instances: convention.instances.sort(byInstance).map((i) => ({
      slug: i.slug,
      kind: i.kind as ConventionSetup['instances'][number]['kind'],
      name: i.name,
      ...optional('mission', i.mission),
      ...optional('theme', i.theme),
      ...optional('quorum', i.quorum),
      ...optional('convocationDelayDays', i.convocationDelayDays),
      // Written only when it differs from J-7 and J-1, so a default setup exports as it was imported.
      ...optional(
        'reminderDaysBefore',
        sameDays(i.reminderDaysBefore, DEFAULT_REMINDER_DAYS) ? null : i.reminderDaysBefore,
      ),
      ...optional('decisionReminderDays', i.decisionReminderDays),
      ...optional('escalationDays', i.escalationDays),
      ...optional('meetingRule', storedMeetingRule(i)),
    })),
    memberships: memberships
      .sort((a, b) => byInstance(a.instance, b.instance) || naturalCompare(a.person.email, b.person.email))
      .map((m) => ({
        person: m.person.email,
        instance: m.instance.slug,
        ...optional('structure', m.structure?.slug),
        role: m.role as ConventionSetup['memberships'][number]['role'],
        seat: m.seat as ConventionSetup['memberships'][number]['seat'],
        ...optional('represents', m.representsInstance?.slug),
      })),
    milestones: convention.milestones
      .sort((a, b) => a.startDate.getTime() - b.startDate.getTime() || naturalCompare(a.key, b.key))
      .map((m) => ({
        key: m.key,
        year: m.year,
        title: m.title,
        ...optional('description', m.description),
        startDate: formatDate(m.startDate),
        ...optional('endDate', m.endDate && formatDate(m.endDate)),
        ...optional('ownerInstance', m.ownerInstance),
        ...optional('ownerEmail', m.ownerEmail),
        status: m.status as ConventionSetup['milestones'][number]['status'],
      })),
    polls: convention.polls
      .sort((a, b) => naturalCompare(a.key, b.key))
      .map((p) => ({
        key: p.key,
        title: p.title,
        ...optional('description', p.description),
        organizerEmail: p.organizerEmail,
        ...optional('instance', p.instance?.slug),
        ...optional('location', p.location),
        ...optional('deadline', p.deadline && formatInstant(p.deadline, zone)),
        options: p.options
          .sort((a, b) => a.position - b.position)
          .map((o) => ({
            kind: o.kind as ConventionSetup['polls'][number]['options'][number]['kind'],
            startsAt: formatInstant(o.startsAt, zone),
            endsAt: formatInstant(o.endsAt, zone),
            label: o.label,
            ...optional('capacity', o.capacity),
          })),
      })),
  };
}

/** `{ [key]: value }` when there is a value, `{}` otherwise: a setup leaves empty fields out. */
function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** « gtt2 » before « gtt10 »: codes and slugs sort the way people number them. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }) || (a < b ? -1 : a > b ? 1 : 0);
}

function sameDays(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
