import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { answerableEvents, calendarTargets, recordCalendarEvent, recordCalendarFailure } from './calendar-events.js';
import { findCalendarLink, linkCalendar, unlinkCalendar } from './calendar-links.js';

/** The CalDAV calendars linked by people and instances, and what Concerto wrote in each. */
export function createCalendarStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    link: bind(linkCalendar),
    unlink: bind(unlinkCalendar),
    find: bind(findCalendarLink),
    targets: bind(calendarTargets),
    recordEvent: bind(recordCalendarEvent),
    recordFailure: bind(recordCalendarFailure),
    answerable: bind(answerableEvents),
  };
}

export type CalendarStore = ReturnType<typeof createCalendarStore>;
