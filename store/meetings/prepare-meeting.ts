import { parseCharter, type InstanceKind, type Seat } from '../../domain/charter.js';
import { convocationDelayFor, type MeetingStatus } from '../../domain/meeting-rules.js';
import { seatRulesFor, type SeatHolder, type SeatRules } from '../../domain/meeting-seats.js';
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
  /** Every member of the instance with their seat, suppléants included; absent from facts read before. */
  seats?: SeatHolder[];
  /** How the instance counts pouvoirs; absent from facts read before. */
  seatRules?: SeatRules;
}

/**
 * Invites the instance's titulaires (as required participants, the président as chair) — once,
 * however often it runs — and returns the meeting's facts. A suppléant is invited when their
 * titulaire declines ({@link inviteSuppleant}).
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
  const convened = memberships.filter((m) => m.seat !== 'suppleant' || m.role === 'president');
  await db.$transaction(
    convened.map((m) =>
      db.invitation.upsert({
        where: { meetingId_personId: { meetingId, personId: m.personId } },
        create: {
          meetingId,
          personId: m.personId,
          role: m.role === 'president' ? 'CHAIR' : 'REQ-PARTICIPANT',
        },
        update: {},
      }),
    ),
  );
  const emails = (filter: (m: (typeof memberships)[number]) => boolean) =>
    [...new Set(memberships.filter(filter).map((m) => m.person.email.toLowerCase()))].sort();
  const charter = parseCharter(meeting.convention.charter);
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
      charter,
      meeting.instance.kind as InstanceKind,
      meeting.instance.convocationDelayDays,
    ),
    reminderDaysBefore: meeting.instance.reminderDaysBefore,
    quorum: meeting.instance.quorum,
    members: emails((m) => convened.includes(m)),
    titulaires: emails((m) => m.seat === 'titulaire'),
    secretaries: emails((m) => m.role === 'secretaire'),
    seats: memberships
      .map((m) => ({ email: m.person.email.toLowerCase(), seat: m.seat as Seat, structureId: m.structureId }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    seatRules: seatRulesFor(charter, meeting.instance.kind as InstanceKind),
  };
}
