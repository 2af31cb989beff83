/**
 * A convention's rétroplanning for one period, read from the database as the picture builder
 * (documents/retroplanning/retroplanning-svg.ts) takes it: its milestones, and its meetings lane by
 * lane, one lane per instance in the order of the governance (conseil, bureau, COPIL, COTECH, groupe
 * d'élaboration, GTT).
 *
 * Only what the picture shows leaves the database: titles, days and statuses. No visio link, place,
 * ordre du jour, attendee or address (not even a milestone's owner's: its instance stands for it).
 */
import { MILESTONE_STATUSES, type MilestoneStatus } from '../../domain/convention-setup.js';
import { MEETING_STATUSES, type MeetingStatus } from '../../domain/meeting-rules.js';
import { atLocalTime, shiftDate, toLocal, type LocalDate } from '../../domain/paris-time.js';
import { parseZone, type Zone } from '../../domain/school-holidays.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** The order of the lanes: deciding bodies first, then those that prepare; other kinds last. */
export const LANE_ORDER: readonly string[] = [
  'conseil_communautaire',
  'bureau_communautaire',
  'copil',
  'cotech',
  'groupe_elaboration',
  'gtt',
];

/** An instance, as a lane of the picture. */
export interface RetroplanningLaneRow {
  /** Its slug, which meetings and milestones refer to. */
  id: string;
  name: string;
  kind: string;
}

/** A meeting of the period, on its local day. */
export interface RetroplanningMeetingRow {
  /** The slug of its instance. */
  lane: string;
  date: LocalDate;
  title: string;
  status: MeetingStatus;
}

/** A milestone of the period: a day, or a span when it has an end. */
export interface RetroplanningMilestoneRow {
  date: LocalDate;
  endDate?: LocalDate;
  title: string;
  /** The slug of the instance in charge, when it is one of the lanes. */
  owner?: string;
  status: MilestoneStatus;
}

/** A convention's rétroplanning for one period: what the picture shows, and nothing more. */
export interface ConventionRetroplanning {
  from: LocalDate;
  to: LocalDate;
  title: string;
  subtitle: string;
  /** In the order of {@link LANE_ORDER}. */
  lanes: RetroplanningLaneRow[];
  /** By start. */
  meetings: RetroplanningMeetingRow[];
  /** By first day. */
  milestones: RetroplanningMilestoneRow[];
  /** The convention's school holiday zone, when it has a known one. */
  zone?: Zone;
  /** Today in the convention's time zone, when asked for. */
  today?: LocalDate;
}

/** Options of {@link loadRetroplanning}. */
export interface LoadRetroplanningOptions {
  /** The period, both days included (`parsePeriodKey('2024')`…); `label` goes into the title. */
  period: { from: LocalDate; to: LocalDate; label: string };
  /** Marks today (in the convention's time zone) when it falls in the period; left out, no marker. */
  now?: Date;
}

/** The rétroplanning of the convention of that slug, or null when there is none. */
export async function loadRetroplanning(
  prisma: PrismaClient,
  slug: string,
  options: LoadRetroplanningOptions,
): Promise<ConventionRetroplanning | null> {
  const convention = await prisma.convention.findUnique({
    where: { slug },
    select: {
      id: true,
      name: true,
      territory: true,
      timezone: true,
      schoolZone: true,
      instances: { select: { slug: true, kind: true, name: true } },
    },
  });
  if (!convention) return null;
  const { from, to, label } = options.period;
  const zone = convention.timezone;

  const lanes = [...convention.instances]
    .sort((a, b) => laneRank(a.kind) - laneRank(b.kind) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
    .map((instance) => ({ id: instance.slug, name: instance.name, kind: instance.kind }));
  const laneIds = new Set(lanes.map((lane) => lane.id));

  const [meetings, milestones] = await Promise.all([
    prisma.meeting.findMany({
      where: {
        conventionId: convention.id,
        startsAt: { gte: atLocalTime(from, 0, 0, zone), lt: atLocalTime(shiftDate(to, 1), 0, 0, zone) },
      },
      orderBy: [{ startsAt: 'asc' }, { icalUid: 'asc' }],
      select: { title: true, startsAt: true, status: true, instance: { select: { slug: true } } },
    }),
    prisma.milestone.findMany({
      where: {
        conventionId: convention.id,
        startDate: { lte: dbDate(to) },
        OR: [{ endDate: { gte: dbDate(from) } }, { endDate: null, startDate: { gte: dbDate(from) } }],
      },
      orderBy: [{ startDate: 'asc' }, { key: 'asc' }],
      select: { title: true, startDate: true, endDate: true, ownerInstance: true, status: true },
    }),
  ]);

  const retroplanning: ConventionRetroplanning = {
    from,
    to,
    title: `Rétroplanning ${label}`,
    subtitle: `${convention.name} — ${convention.territory}`,
    lanes,
    meetings: meetings.map((meeting) => ({
      lane: meeting.instance.slug,
      date: dayOf(toLocal(meeting.startsAt, zone)),
      title: meeting.title,
      // A status this code does not know yet is drawn as a meeting still to convene.
      status: knownOr(MEETING_STATUSES, meeting.status, 'planifiee'),
    })),
    milestones: milestones.map((milestone) => ({
      date: localDateOf(milestone.startDate),
      ...(milestone.endDate ? { endDate: localDateOf(milestone.endDate) } : {}),
      title: milestone.title,
      ...(milestone.ownerInstance && laneIds.has(milestone.ownerInstance) ? { owner: milestone.ownerInstance } : {}),
      status: knownOr(MILESTONE_STATUSES, milestone.status, 'a_venir'),
    })),
  };
  const schoolZone = parseZone(convention.schoolZone);
  if (schoolZone) retroplanning.zone = schoolZone;
  if (options.now) retroplanning.today = dayOf(toLocal(options.now, zone));
  return retroplanning;
}

/** The status, when this code knows it; else the fallback. */
function knownOr<S extends string>(known: readonly S[], status: string, fallback: S): S {
  return (known as readonly string[]).includes(status) ? (status as S) : fallback;
}

function laneRank(kind: string): number {
  const rank = LANE_ORDER.indexOf(kind);
  return rank === -1 ? LANE_ORDER.length : rank;
}

function dayOf(local: LocalDate): LocalDate {
  return { year: local.year, month: local.month, day: local.day };
}

/** A `@db.Date` column comes back as midnight UTC of its day. */
function localDateOf(date: Date): LocalDate {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function dbDate(day: LocalDate): Date {
  const date = new Date(0);
  date.setUTCFullYear(day.year, day.month - 1, day.day);
  return date;
}
