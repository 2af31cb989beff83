/**
 * What Concerto wrote in each linked calendar, meeting by meeting: the object's URL, its ETag for
 * If-Match, the SEQUENCE written. The push reads and writes these rows; the answer reader lists
 * the ones whose person may answer in their calendar app.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';

/** The object last written for a meeting in one calendar. */
export interface CalendarEventState {
  href: string;
  etag: string | null;
  sequence: number;
  deleted: boolean;
}

/** A calendar a meeting goes to: a member's own, or its instance's. */
export interface CalendarTarget {
  linkId: string;
  url: string;
  username: string;
  sealedPassword: string;
  /** The member whose calendar it is; null for an instance's calendar. */
  email: string | null;
  event: CalendarEventState | null;
}

const LINK = { id: true, url: true, username: true, password: true } as const;

/** The calendars a meeting is written to: those of its invited members and of its instance. */
export async function calendarTargets(db: PrismaClient, meetingId: string): Promise<CalendarTarget[]> {
  const meeting = await db.meeting.findUniqueOrThrow({
    where: { id: meetingId },
    select: {
      instance: { select: { calendarLink: { select: LINK } } },
      invitations: {
        orderBy: { person: { email: 'asc' } },
        select: { person: { select: { email: true, calendarLink: { select: LINK } } } },
      },
    },
  });
  const links = [
    ...meeting.invitations.flatMap(({ person }) =>
      person.calendarLink ? [{ link: person.calendarLink, email: person.email }] : [],
    ),
    ...(meeting.instance.calendarLink ? [{ link: meeting.instance.calendarLink, email: null }] : []),
  ];
  const events = await db.calendarEvent.findMany({
    where: { meetingId, linkId: { in: links.map(({ link }) => link.id) } },
    select: { linkId: true, href: true, etag: true, sequence: true, deleted: true },
  });
  return links.map(({ link, email }) => {
    const event = events.find((e) => e.linkId === link.id);
    return {
      linkId: link.id,
      url: link.url,
      username: link.username,
      sealedPassword: link.password,
      email,
      event: event ? { href: event.href, etag: event.etag, sequence: event.sequence, deleted: event.deleted } : null,
    };
  });
}

/** Records what was written (or deleted) in one calendar; the link's last failure is cleared. */
export async function recordCalendarEvent(
  db: PrismaClient,
  written: { linkId: string; meetingId: string } & CalendarEventState,
): Promise<void> {
  const { linkId, meetingId, ...state } = written;
  await db.$transaction([
    db.calendarEvent.upsert({
      where: { linkId_meetingId: { linkId, meetingId } },
      create: { linkId, meetingId, ...state },
      update: state,
    }),
    db.calendarLink.updateMany({ where: { id: linkId }, data: { lastError: null, lastErrorAt: null } }),
  ]);
}

/**
 * A push that failed for good (its retries spent, or refused): the link shows it to its owner on
 * « Mes agendas », and the meeting's audit log has a line saying which calendar and why.
 */
export async function recordCalendarFailure(
  db: PrismaClient,
  failure: { meetingId: string; linkIds: string[]; error: string; at: Date; key: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const links = await tx.calendarLink.findMany({
      where: { id: { in: failure.linkIds } },
      select: { url: true, username: true },
    });
    await tx.calendarLink.updateMany({
      where: { id: { in: failure.linkIds } },
      data: { lastError: failure.error, lastErrorAt: failure.at },
    });
    await recordAuditEvent(tx, {
      actor: 'concerto',
      action: 'meeting.calendar_push_failed',
      subject: `meeting:${failure.meetingId}`,
      details: { calendars: links.map((link) => `${link.username} @ ${link.url}`), error: failure.error },
      at: failure.at,
      key: failure.key,
    });
  });
}

/** An object a member may have answered in their calendar app. */
export interface AnswerableEvent extends CalendarEventState {
  linkId: string;
  meetingId: string;
  icalUid: string;
  email: string;
  /** Their answer as the store has it. */
  partstat: string;
  account: { url: string; username: string; sealedPassword: string };
}

/** The objects in members' own calendars of meetings not over nor cancelled, to read their answers from. */
export async function answerableEvents(db: PrismaClient, now: Date): Promise<AnswerableEvent[]> {
  const rows = await db.calendarEvent.findMany({
    where: {
      deleted: false,
      link: { personId: { not: null } },
      meeting: { status: { not: 'annulee' }, endsAt: { gt: now } },
    },
    orderBy: { updatedAt: 'asc' },
    select: {
      linkId: true,
      meetingId: true,
      href: true,
      etag: true,
      sequence: true,
      deleted: true,
      meeting: { select: { icalUid: true } },
      link: {
        select: {
          url: true,
          username: true,
          password: true,
          person: { select: { id: true, email: true } },
        },
      },
    },
  });
  const invitations = await db.invitation.findMany({
    where: {
      meetingId: { in: rows.map((row) => row.meetingId) },
      personId: { in: rows.flatMap((row) => (row.link.person ? [row.link.person.id] : [])) },
    },
    select: { meetingId: true, personId: true, partstat: true },
  });
  return rows.flatMap((row) => {
    const person = row.link.person;
    const invitation = invitations.find((i) => i.meetingId === row.meetingId && i.personId === person?.id);
    if (!person || !invitation) return [];
    return [
      {
        linkId: row.linkId,
        meetingId: row.meetingId,
        icalUid: row.meeting.icalUid,
        email: person.email,
        partstat: invitation.partstat,
        href: row.href,
        etag: row.etag,
        sequence: row.sequence,
        deleted: row.deleted,
        account: { url: row.link.url, username: row.link.username, sealedPassword: row.link.password },
      },
    ];
  });
}
