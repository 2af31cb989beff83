/**
 * The meetings of a subscription feed (server/routes/feeds.ts writes them as iCalendar): those of a
 * convention, of one of its instances, or of the instances a person sits in. Each meeting comes with
 * what its invitations state — UID, SEQUENCE, title, place and ordre du jour — so a calendar that
 * holds both the invitation and the feed sees one meeting; a cancelled one stays, marked, so a
 * subscriber's calendar drops it rather than keeping a stale copy.
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';

/** How far back a feed goes: a year of past meetings, then all those to come. */
export const FEED_PAST_DAYS = 365;

/** The calendar zone of a feed whose meetings come from no convention (a person with no seat). */
const DEFAULT_ZONE = 'Europe/Paris';

/** A meeting of a feed, as its invitations last stated it. */
export interface FeedMeeting {
  /** The UID of its invitations. */
  icalUid: string;
  /** The SEQUENCE of its last invitation. */
  sequence: number;
  /** The last change of the row. */
  updatedAt: Date;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** The IANA zone of its convention. */
  zone: string;
  location: string | null;
  visioUrl: string | null;
  instanceName: string;
  cancelled: boolean;
  /** By position. */
  agenda: Array<{ position: number; title: string }>;
}

/**
 * What a feed's content depends on, read without its meetings: their number, a digest of each one's
 * last change, instance, zone and ordre du jour (which changes apart from the meeting's row), and the
 * zones they are held in. Equal versions give equal feeds, so an ETag built on it spares a 304 the
 * reading and writing of the meetings.
 */
export interface FeedVersion {
  meetings: number;
  digest: string;
  zones: string[];
}

/** A feed's calendar: its name and zone; its version, then its meetings by start, page by page. */
export interface MeetingFeed {
  name: string;
  zone: string;
  version(): Promise<FeedVersion>;
  pages(): AsyncGenerator<FeedMeeting[]>;
}

/** Whose meetings a feed shows. */
type FeedScope = { conventionId: string } | { instanceId: string } | { email: string };

/** Meetings read at once while a feed is written out. */
const PAGE_SIZE = 500;

/** A convention, as its feeds need it. */
export interface FeedConvention {
  id: string;
  slug: string;
  name: string;
  timezone: string;
}

/** An instance, as its feed needs it. */
export interface FeedInstance {
  id: string;
  slug: string;
  name: string;
}

/** The convention of that slug, or null. */
export async function findFeedConvention(prisma: PrismaClient, slug: string): Promise<FeedConvention | null> {
  return prisma.convention.findUnique({
    where: { slug },
    select: { id: true, slug: true, name: true, timezone: true },
  });
}

/** The instance of that slug in the convention, or null. */
export async function findFeedInstance(
  prisma: PrismaClient,
  conventionId: string,
  slug: string,
): Promise<FeedInstance | null> {
  return prisma.instance.findUnique({
    where: { conventionId_slug: { conventionId, slug } },
    select: { id: true, slug: true, name: true },
  });
}

/** Whether the person of that address (in any case) sits in an instance of the convention. */
export async function isConventionMember(prisma: PrismaClient, conventionId: string, email: string): Promise<boolean> {
  const seat = await prisma.membership.findFirst({
    where: { instance: { conventionId }, person: { email: { equals: email.trim(), mode: 'insensitive' } } },
    select: { id: true },
  });
  return seat !== null;
}

/** Every meeting of the convention's instances. */
export async function conventionMeetingFeed(
  prisma: PrismaClient,
  convention: FeedConvention,
  now: Date,
): Promise<MeetingFeed> {
  return {
    name: `Réunions — ${convention.name}`,
    zone: convention.timezone,
    ...feedOf(prisma, { conventionId: convention.id }, now),
  };
}

/** Every meeting of one instance. */
export async function instanceMeetingFeed(
  prisma: PrismaClient,
  convention: FeedConvention,
  instance: FeedInstance,
  now: Date,
): Promise<MeetingFeed> {
  return {
    name: `${instance.name} — ${convention.name}`,
    zone: convention.timezone,
    ...feedOf(prisma, { instanceId: instance.id }, now),
  };
}

/**
 * The meetings of the instances the person sits in today (their memberships, titulaire or
 * suppléant), in every convention. A seat given up takes that instance's meetings out of the feed;
 * an unknown address gets an empty calendar.
 */
export async function personMeetingFeed(prisma: PrismaClient, email: string, now: Date): Promise<MeetingFeed> {
  const person = { email: { equals: email.trim(), mode: 'insensitive' as const } };
  const seat = await prisma.membership.findFirst({
    where: { person },
    orderBy: { createdAt: 'asc' },
    select: { instance: { select: { convention: { select: { timezone: true } } } } },
  });
  return {
    name: 'Mes réunions (Concerto)',
    zone: seat?.instance.convention.timezone ?? DEFAULT_ZONE,
    ...feedOf(prisma, { email: email.trim() }, now),
  };
}

/** The meetings of the scope ending at most {@link FEED_PAST_DAYS} days before `now`, then all those to come. */
function feedOf(prisma: PrismaClient, scope: FeedScope, now: Date): Pick<MeetingFeed, 'version' | 'pages'> {
  const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
  return { version: () => feedVersion(prisma, scope, since), pages: () => feedPages(prisma, scope, since) };
}

async function feedVersion(prisma: PrismaClient, scope: FeedScope, since: Date): Promise<FeedVersion> {
  const inScope =
    'conventionId' in scope
      ? Prisma.sql`m."conventionId" = ${scope.conventionId}`
      : 'instanceId' in scope
        ? Prisma.sql`m."instanceId" = ${scope.instanceId}`
        : Prisma.sql`m."instanceId" IN (SELECT s."instanceId" FROM "Membership" s JOIN "Person" p ON p.id = s."personId"
            WHERE lower(p.email) = lower(${scope.email}))`;
  const [row] = await prisma.$queryRaw<Array<{ meetings: number; digest: string | null; zones: string[] | null }>>`
    SELECT count(*)::int AS meetings,
      md5(string_agg(concat_ws('|', m.id, m."updatedAt", i.name, c.timezone,
        (SELECT string_agg(a.position || ':' || a.title, '|' ORDER BY a.position)
          FROM "AgendaItem" a WHERE a."meetingId" = m.id)), '/' ORDER BY m."startsAt", m."icalUid")) AS digest,
      array_agg(DISTINCT c.timezone) AS zones
    FROM "Meeting" m JOIN "Instance" i ON i.id = m."instanceId" JOIN "Convention" c ON c.id = m."conventionId"
    WHERE m."endsAt" >= ${since} AND ${inScope}`;
  return { meetings: row?.meetings ?? 0, digest: row?.digest ?? '', zones: row?.zones ?? [] };
}

async function* feedPages(prisma: PrismaClient, scope: FeedScope, since: Date): AsyncGenerator<FeedMeeting[]> {
  const where: Prisma.MeetingWhereInput =
    'email' in scope
      ? { instance: { memberships: { some: { person: { email: { equals: scope.email, mode: 'insensitive' } } } } } }
      : scope;
  let after: string | undefined;
  for (;;) {
    const meetings = await prisma.meeting.findMany({
      where: { AND: [where, { endsAt: { gte: since } }] },
      orderBy: [{ startsAt: 'asc' }, { icalUid: 'asc' }],
      take: PAGE_SIZE,
      ...(after === undefined ? {} : { cursor: { icalUid: after }, skip: 1 }),
      select: {
        icalUid: true,
        sequence: true,
        updatedAt: true,
        title: true,
        startsAt: true,
        endsAt: true,
        location: true,
        visioUrl: true,
        status: true,
        convention: { select: { timezone: true } },
        instance: { select: { name: true } },
        agenda: { orderBy: { position: 'asc' }, select: { position: true, title: true } },
      },
    });
    if (meetings.length > 0) {
      yield meetings.map(({ status, convention, instance, ...meeting }) => ({
        ...meeting,
        zone: convention.timezone,
        instanceName: instance.name,
        cancelled: status === 'annulee',
      }));
    }
    if (meetings.length < PAGE_SIZE) return;
    after = meetings.at(-1)!.icalUid;
  }
}
