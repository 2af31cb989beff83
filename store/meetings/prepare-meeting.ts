import { parseCharter, type InstanceKind } from '../../domain/charter.js';
import { convocationDelayFor, type MeetingStatus } from '../../domain/meeting-rules.js';
import { parseZone, type Zone } from '../../domain/school-holidays.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** What the meeting workflow needs to know of its meeting, read once at start. */
export interface MeetingFacts {
  meetingId: string;
  conventionId: string;
  title: string;
  instanceKind: InstanceKind;
  instanceName: string;
  startsAt: string;
  endsAt: string;
  status: MeetingStatus;
  sequence: number;
  zone: string;
  /** The territory's school-holiday zone, for a reschedule's warnings; absent from facts read before it was added. */
  schoolZone?: Zone | null;
  /** Jours francs between convocation and meeting: the instance's own, else the charter's. */
  convocationDelayDays: number;
  reminderDaysBefore: number[];
  quorum: number | null;
  /** Invited members' addresses, lower-cased and sorted. */
  members: string[];
  /** Titulaires only: quorum counts them. */
  titulaires: string[];
  /** Who is reminded to file the compte rendu: the instance's secretaries. */
  secretaries: string[];
}

/**
 * Invites the instance's members (titulaires as required participants, suppléants as optional,
 * the président as chair) — once, however often it runs — and returns the meeting's facts.
 */
export async function prepareMeeting(db: PrismaClient, { meetingId }: { meetingId: string }): Promise<MeetingFacts> {
  const meeting = await db.meeting.findUniqueOrThrow({
    where: { id: meetingId },
    include: {
      convention: { select: { timezone: true, charter: true, schoolZone: true } },
      instance: { include: { memberships: { include: { person: { select: { id: true, email: true } } } } } },
    },
  });
  const memberships = meeting.instance.memberships;
  await db.$transaction(
    memberships.map((m) =>
      db.invitation.upsert({
        where: { meetingId_personId: { meetingId, personId: m.personId } },
        create: {
          meetingId,
          personId: m.personId,
          role: m.role === 'president' ? 'CHAIR' : m.seat === 'suppleant' ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
        },
        update: {},
      }),
    ),
  );
  const emails = (filter: (m: (typeof memberships)[number]) => boolean) =>
    [...new Set(memberships.filter(filter).map((m) => m.person.email.toLowerCase()))].sort();
  return {
    meetingId,
    conventionId: meeting.conventionId,
    title: meeting.title,
    instanceKind: meeting.instance.kind as InstanceKind,
    instanceName: meeting.instance.name,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    status: meeting.status as MeetingStatus,
    sequence: meeting.sequence,
    zone: meeting.convention.timezone,
    schoolZone: parseZone(meeting.convention.schoolZone),
    convocationDelayDays: convocationDelayFor(
      parseCharter(meeting.convention.charter),
      meeting.instance.kind as InstanceKind,
      meeting.instance.convocationDelayDays,
    ),
    reminderDaysBefore: meeting.instance.reminderDaysBefore,
    quorum: meeting.instance.quorum,
    members: emails(() => true),
    titulaires: emails((m) => m.seat === 'titulaire'),
    secretaries: emails((m) => m.role === 'secretaire'),
  };
}
