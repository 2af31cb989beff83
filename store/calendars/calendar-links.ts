/**
 * The CalDAV calendars people and instances link (« Mes agendas », /api/me/calendar): one per
 * person, one per instance. The app password arrives sealed (infra/caldav/password-box.ts) and
 * never leaves this folder but to the push that opens it: what the pages and the API get has none.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';

/** Whose calendar: a person's (their own meetings) or an instance's (every meeting of it). */
export type CalendarOwner = { personId: string } | { instanceId: string };

/** A link as its owner sees it: no password. */
export interface CalendarLinkView {
  url: string;
  username: string;
  createdAt: Date;
  /** The last push that failed after its retries, in words for people, and when. */
  lastError: string | null;
  lastErrorAt: Date | null;
}

export interface NewCalendarLink {
  owner: CalendarOwner;
  url: string;
  username: string;
  /** Already sealed. */
  sealedPassword: string;
  /** Who linked it (an address), for the audit log. */
  by: string;
  at: Date;
}

const subjectOf = (owner: CalendarOwner) =>
  'personId' in owner ? `person-calendar:${owner.personId}` : `instance-calendar:${owner.instanceId}`;

/** Links a calendar, replacing the owner's previous one (whose written events are forgotten with it). */
export async function linkCalendar(db: PrismaClient, link: NewCalendarLink): Promise<CalendarLinkView> {
  return db.$transaction(async (tx) => {
    await tx.calendarLink.deleteMany({ where: link.owner });
    const row = await tx.calendarLink.create({
      data: {
        ...link.owner,
        url: link.url,
        username: link.username,
        password: link.sealedPassword,
        linkedBy: link.by,
        createdAt: link.at,
      },
    });
    await recordAuditEvent(tx, {
      actor: link.by,
      action: 'calendar.link',
      subject: subjectOf(link.owner),
      details: { url: link.url, username: link.username },
      at: link.at,
    });
    return { url: row.url, username: row.username, createdAt: row.createdAt, lastError: null, lastErrorAt: null };
  });
}

/** Unlinks the owner's calendar; false when there was none. What was written there stays there. */
export async function unlinkCalendar(
  db: PrismaClient,
  owner: CalendarOwner,
  by: { email: string; at: Date },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.calendarLink.deleteMany({ where: owner });
    if (count > 0)
      await recordAuditEvent(tx, { actor: by.email, action: 'calendar.unlink', subject: subjectOf(owner), at: by.at });
    return count > 0;
  });
}

/** The owner's linked calendar, or null. */
export async function findCalendarLink(db: PrismaClient, owner: CalendarOwner): Promise<CalendarLinkView | null> {
  return db.calendarLink.findFirst({
    where: owner,
    select: { url: true, username: true, createdAt: true, lastError: true, lastErrorAt: true },
  });
}
