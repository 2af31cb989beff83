/**
 * The meetings of a subscription feed (documents/ics/meeting-ics.ts `calendarIcs`): those of a
 * convention, of one of its instances, or of the instances a person sits in. Each meeting is written
 * as its invitations state it — same UID, SEQUENCE, title, place and ordre du jour — so a calendar
 * that holds both the invitation and the feed sees one meeting; a cancelled one stays, CANCELLED,
 * so a subscriber's calendar drops it rather than keeping a stale copy.
 */
import type { MeetingIcsInput } from '../../documents/ics/meeting-ics.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/** How far back a feed goes: a year of past meetings, then all those to come. */
export const FEED_PAST_DAYS = 365;

/** The calendar zone of a feed whose meetings come from no convention (a person with no seat). */
const DEFAULT_ZONE = 'Europe/Paris';

/** A feed's calendar: its name and zone (calendarIcs options) and its meetings, by start. */
export interface MeetingFeed {
  name: string;
  zone: string;
  events: MeetingIcsInput[];
}

/** Options of the feed loaders. */
export interface MeetingFeedOptions {
  /** The ORGANIZER address of every event, the one invitations come from (the MAIL_FROM address). */
  organizerEmail: string;
  /** The feed holds the meetings ending at most {@link FEED_PAST_DAYS} days before this. */
  now: Date;
}

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
  options: MeetingFeedOptions,
): Promise<MeetingFeed> {
  return {
    name: `Réunions — ${convention.name}`,
    zone: convention.timezone,
    events: await feedEvents(prisma, { conventionId: convention.id }, options),
  };
}

/** Every meeting of one instance. */
export async function instanceMeetingFeed(
  prisma: PrismaClient,
  convention: FeedConvention,
  instance: FeedInstance,
  options: MeetingFeedOptions,
): Promise<MeetingFeed> {
  return {
    name: `${instance.name} — ${convention.name}`,
    zone: convention.timezone,
    events: await feedEvents(prisma, { instanceId: instance.id }, options),
  };
}

/**
 * The meetings of the instances the person sits in today (their memberships, titulaire or
 * suppléant), in every convention. A seat given up takes that instance's meetings out of the feed;
 * an unknown address gets an empty calendar.
 */
export async function personMeetingFeed(
  prisma: PrismaClient,
  email: string,
  options: MeetingFeedOptions,
): Promise<MeetingFeed> {
  const person = { email: { equals: email.trim(), mode: 'insensitive' as const } };
  const events = await feedEvents(prisma, { instance: { memberships: { some: { person } } } }, options);
  const seat = await prisma.membership.findFirst({
    where: { person },
    orderBy: { createdAt: 'asc' },
    select: { instance: { select: { convention: { select: { timezone: true } } } } },
  });
  return { name: 'Mes réunions (Concerto)', zone: seat?.instance.convention.timezone ?? DEFAULT_ZONE, events };
}

async function feedEvents(
  prisma: PrismaClient,
  where: Prisma.MeetingWhereInput,
  options: MeetingFeedOptions,
): Promise<MeetingIcsInput[]> {
  const since = new Date(options.now.getTime() - FEED_PAST_DAYS * 86_400_000);
  const meetings = await prisma.meeting.findMany({
    where: { AND: [where, { endsAt: { gte: since } }] },
    orderBy: [{ startsAt: 'asc' }, { icalUid: 'asc' }],
    include: {
      convention: { select: { timezone: true } },
      instance: { select: { name: true } },
      agenda: { orderBy: { position: 'asc' }, select: { position: true, title: true } },
    },
  });
  return meetings.map((meeting) => {
    const cancelled = meeting.status === 'annulee';
    return {
      // calendarIcs writes no METHOD per event; this one only says what the invitation last was.
      method: cancelled ? 'CANCEL' : 'REQUEST',
      status: cancelled ? 'CANCELLED' : 'CONFIRMED',
      uid: meeting.icalUid,
      sequence: meeting.sequence,
      // The last change of the row: a new DTSTAMP only when something about the meeting moved.
      dtstamp: meeting.updatedAt,
      title: meeting.title,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      zone: meeting.convention.timezone,
      ...(meeting.location ? { location: meeting.location } : {}),
      ...(meeting.visioUrl ? { visioUrl: meeting.visioUrl } : {}),
      instanceName: meeting.instance.name,
      // As in the invitations (activities/meeting-mail.ts), so both name the same organizer.
      organizer: { name: `Secrétariat — ${meeting.instance.name}`, email: options.organizerEmail },
      // PUBLISH has no attendees (calendarIcs writes none): the members' addresses stay out.
      attendees: [],
      agenda: meeting.agenda,
      // The invitation a member accepted rings already; a feed showing the same meeting stays quiet.
      alarmMinutesBefore: null,
    } satisfies MeetingIcsInput;
  });
}
