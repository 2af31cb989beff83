import type { InstanceKind } from '../../domain/charter.js';
import { parseCharter } from '../../domain/charter.js';
import type { MeetingRule } from '../../domain/meeting-recurrence.js';
import { convocationDelayFor } from '../../domain/meeting-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { MilestoneFacts } from './milestone-facts.js';
import { storedMeetingRules } from './save-meeting-rules.js';

export interface CalendarYearFacts {
  zone: string;
  schoolZone: string | null;
  /** The convention's last day (YYYY-MM-DD): the calendar goes on into each year it reaches. */
  endDate: string;
  instances: Record<string, { kind: InstanceKind; name: string; convocationDelayDays: number }>;
  milestones: MilestoneFacts[];
  /** The recurring meetings' rules, as stored on the instances. */
  rules: MeetingRule[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export async function loadCalendarYear(
  db: PrismaClient,
  { conventionId, year }: { conventionId: string; year: number },
): Promise<CalendarYearFacts> {
  const convention = await db.convention.findUniqueOrThrow({
    where: { id: conventionId },
    include: { instances: true, milestones: { where: { year }, orderBy: { startDate: 'asc' } } },
  });
  const charter = parseCharter(convention.charter);
  return {
    zone: convention.timezone,
    schoolZone: convention.schoolZone,
    endDate: day(convention.endDate),
    instances: Object.fromEntries(
      convention.instances.map((i) => [
        i.slug,
        {
          kind: i.kind as InstanceKind,
          name: i.name,
          convocationDelayDays: convocationDelayFor(charter, i.kind as InstanceKind, i.convocationDelayDays),
        },
      ]),
    ),
    milestones: convention.milestones.map((m) => ({
      key: m.key,
      title: m.title,
      startDate: day(m.startDate),
      ownerEmail: m.ownerEmail,
      status: m.status,
    })),
    rules: storedMeetingRules(convention.instances),
  };
}
