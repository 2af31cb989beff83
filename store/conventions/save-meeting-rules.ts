import { DomainError } from '../../domain/errors.js';
import {
  instanceMeetingRuleSchema,
  parseMeetingRules,
  withoutInstance,
  type InstanceMeetingRule,
  type MeetingRule,
} from '../../domain/meeting-recurrence.js';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';

/**
 * Stores a convention's calendar rules — the whole list: an instance it does not name loses its
 * rule — on its instances, with an audit line. The database is what the calendar workflow reads
 * (at each year's start and when told the rules changed), what pages and the setup export show.
 * Returns the rules as stored, by instance slug.
 */
export async function saveMeetingRules(
  prisma: PrismaClient,
  input: { conventionId: string; rules: unknown; actorEmail: string; at: Date },
): Promise<MeetingRule[]> {
  return prisma.$transaction(async (tx) => {
    const instances = await tx.instance.findMany({
      where: { conventionId: input.conventionId },
      select: { id: true, slug: true },
    });
    const rules = parseMeetingRules(
      input.rules,
      instances.map((i) => i.slug),
    );
    for (const instance of instances) {
      const rule = rules.find((r) => r.instance === instance.slug);
      await tx.instance.update({
        where: { id: instance.id },
        data: { meetingRule: rule ? { ...withoutInstance(rule) } : Prisma.DbNull },
      });
    }
    await tx.auditEvent.create({
      data: {
        actor: input.actorEmail,
        action: 'calendar.rules',
        subject: `convention:${input.conventionId}`,
        details: { rules: rules.map((r) => r.instance) },
        at: input.at,
      },
    });
    return [...rules].sort((a, b) => a.instance.localeCompare(b.instance));
  });
}

/** The rule stored on an instance (see saveMeetingRules), or null. */
export function storedMeetingRule(instance: { slug: string; meetingRule: unknown }): InstanceMeetingRule | null {
  if (instance.meetingRule === null) return null;
  const parsed = instanceMeetingRuleSchema().safeParse(instance.meetingRule);
  if (!parsed.success)
    throw new DomainError(
      'INVALID_INPUT',
      `La règle de réunion enregistrée pour « ${instance.slug} » est illisible : donnez-la à nouveau.`,
      'rules',
    );
  return parsed.data as InstanceMeetingRule;
}

/** The calendar rules stored on the instances of the convention of that id, by instance slug. */
export async function findMeetingRules(prisma: PrismaClient, conventionId: string): Promise<MeetingRule[]> {
  const instances = await prisma.instance.findMany({
    where: { conventionId },
    select: { slug: true, meetingRule: true },
  });
  return storedMeetingRules(instances);
}

/** The rules stored on a convention's instances, by instance slug. */
export function storedMeetingRules(instances: ReadonlyArray<{ slug: string; meetingRule: unknown }>): MeetingRule[] {
  return instances
    .flatMap((i) => {
      const rule = storedMeetingRule(i);
      return rule ? [{ instance: i.slug, ...rule }] : [];
    })
    .sort((a, b) => a.instance.localeCompare(b.instance));
}
