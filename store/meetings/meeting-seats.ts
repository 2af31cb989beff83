import { parseCharter, type InstanceKind, type Seat } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { Attendance } from '../../domain/meeting-rules.js';
import {
  assertMayGiveProxy,
  countSeats,
  pairSuppleants,
  seatRulesFor,
  type SeatCount,
  type SeatRules,
} from '../../domain/meeting-seats.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { consumeLink } from '../access/used-links.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Invites a suppléant to a meeting their titulaire declined, as a required participant (they hold
 * the seat); once, however often it runs.
 */
export async function inviteSuppleant(
  db: PrismaClient,
  { meetingId, email }: { meetingId: string; email: string },
): Promise<void> {
  const person = await db.person.findFirstOrThrow({
    where: { email: { equals: email, mode: 'insensitive' } },
    select: { id: true },
  });
  await db.invitation.upsert({
    where: { meetingId_personId: { meetingId, personId: person.id } },
    create: { meetingId, personId: person.id, role: 'REQ-PARTICIPANT' },
    update: {},
  });
}

/** An instance's seats as the count needs them: titulaires, suppléants' pairs, rules and quorum. */
export interface MeetingSeats {
  titulaires: string[];
  suppleantFor: Record<string, string>;
  rules: SeatRules;
  quorum: number | null;
}

async function meetingSeats(db: Db, meetingId: string): Promise<MeetingSeats> {
  const meeting = await db.meeting.findUniqueOrThrow({
    where: { id: meetingId },
    select: {
      convention: { select: { charter: true } },
      instance: {
        select: {
          kind: true,
          quorum: true,
          memberships: { select: { seat: true, structureId: true, person: { select: { email: true } } } },
        },
      },
    },
  });
  const holders = meeting.instance.memberships.map((m) => ({
    email: m.person.email.toLowerCase(),
    seat: m.seat as Seat,
    structureId: m.structureId,
  }));
  return {
    titulaires: holders.filter((h) => h.seat === 'titulaire').map((h) => h.email),
    suppleantFor: pairSuppleants(holders),
    rules: seatRulesFor(parseCharter(meeting.convention.charter), meeting.instance.kind as InstanceKind),
    quorum: meeting.instance.quorum,
  };
}

/** The seats of a meeting's instance, for its pages' counts. */
export async function findMeetingSeats(db: PrismaClient, { meetingId }: { meetingId: string }) {
  return meetingSeats(db, meetingId);
}

/** Counts an attendance against the meeting's seats (domain/meeting-seats.ts). */
export function countAttendance(seats: MeetingSeats, attendance: Attendance): SeatCount {
  return countSeats({
    titulaires: seats.titulaires,
    present: attendance.present.map((e) => e.toLowerCase()),
    suppleantFor: seats.suppleantFor,
    proxies: attendance.proxies.length,
    quorum: seats.quorum,
    quorumCountsProxies: seats.rules.quorumCountsProxies,
  });
}

/** The attendance as the invitations record it (a pouvoir's holder is not needed to count it). */
export function recordedAttendance(
  invitations: ReadonlyArray<{ attendance: string | null; person: { email: string } }>,
): Attendance {
  const withStatus = (status: string) => invitations.filter((i) => i.attendance === status).map((i) => i.person.email);
  return {
    present: withStatus('present'),
    excused: withStatus('excuse'),
    proxies: withStatus('represente').map((from) => ({ from, to: '' })),
  };
}

/** What the pouvoir page shows: the meeting, the giver, the members who may hold the pouvoir. */
export interface ProxyChoice {
  meeting: {
    id: string;
    title: string;
    startsAt: Date;
    endsAt: Date;
    status: string;
    zone: string;
    instanceName: string;
  };
  giver: { email: string; name: string; holder: string | null };
  /** Invited members who have not declined, with the pouvoirs they hold. */
  holders: Array<{ email: string; name: string; held: number }>;
  rules: SeatRules;
}

/** The pouvoir page's view for `email`; throws a DomainError when they are not invited. */
export async function findProxyChoice(db: Db, { meetingId, email }: { meetingId: string; email: string }) {
  const meeting = await db.meeting.findUnique({
    where: { id: meetingId },
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      status: true,
      convention: { select: { timezone: true } },
      instance: { select: { name: true } },
      invitations: {
        select: {
          partstat: true,
          personId: true,
          proxyPersonId: true,
          attendance: true,
          person: { select: { email: true, displayName: true } },
        },
      },
    },
  });
  if (!meeting) throw new DomainError('INVALID_INPUT', 'Cette réunion n’existe pas ou plus.', 'meetingId');
  const giver = meeting.invitations.find((i) => i.person.email.toLowerCase() === email.toLowerCase());
  if (!giver)
    throw new DomainError(
      'INVALID_INPUT',
      `L’adresse ${email} ne figure pas parmi les convoqués de cette réunion.`,
      'email',
    );
  const byPerson = new Map(meeting.invitations.map((i) => [i.personId, i]));
  const choice: ProxyChoice = {
    meeting: {
      id: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      status: meeting.status,
      zone: meeting.convention.timezone,
      instanceName: meeting.instance.name,
    },
    giver: {
      email: giver.person.email,
      name: giver.person.displayName,
      holder: giver.proxyPersonId ? (byPerson.get(giver.proxyPersonId)?.person.email ?? null) : null,
    },
    holders: meeting.invitations
      .filter((i) => i !== giver && i.partstat !== 'DECLINED')
      .map((i) => ({
        email: i.person.email,
        name: i.person.displayName,
        held: meeting.invitations.filter((other) => other.proxyPersonId === i.personId).length,
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'fr')),
    rules: (await meetingSeats(db, meetingId)).rules,
  };
  return choice;
}

/**
 * Records a pouvoir given before the meeting by `from` to `to`, with the signed link's use, in
 * one transaction: the giver's invitation says « représenté » and names the holder, which the
 * secretary's page shows pre-filled. Refused (DomainError, nothing written, the link still good)
 * when the meeting is no longer ahead or the instance's rules do not allow it. A second pouvoir
 * replaces the first.
 */
export async function recordProxy(
  db: PrismaClient,
  { meetingId, from, to, linkId, at }: { meetingId: string; from: string; to: string; linkId: string; at: Date },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const used = await consumeLink(tx, { jti: linkId, purpose: 'proxy', subject: meetingId }, at);
    if (used) throw new DomainError('WRONG_STAGE', 'Ce lien a déjà servi : chaque lien ne vaut que pour un pouvoir.');
    const choice = await findProxyChoice(tx, { meetingId, email: from });
    if (choice.meeting.status !== 'convoquee' || at >= choice.meeting.startsAt)
      throw new DomainError('WRONG_STAGE', 'La réunion n’est plus à venir : le pouvoir se donne au secrétariat.');
    const holder = choice.holders.find((h) => h.email.toLowerCase() === to.toLowerCase());
    assertMayGiveProxy({
      from,
      to,
      holders: choice.holders.map((h) => h.email),
      held: holder?.held ?? 0,
      rules: choice.rules,
    });
    const people = await tx.person.findMany({
      where: { email: { in: [choice.giver.email, holder!.email] } },
      select: { id: true, email: true },
    });
    const idOf = (email: string) => people.find((p) => p.email === email)!.id;
    await tx.invitation.update({
      where: { meetingId_personId: { meetingId, personId: idOf(choice.giver.email) } },
      data: { attendance: 'represente', proxyPersonId: idOf(holder!.email) },
    });
    await recordAuditEvent(tx, {
      actor: choice.giver.email,
      action: 'meeting.proxy',
      subject: `meeting:${meetingId}`,
      details: { to: holder!.email },
      at,
    });
  });
}
