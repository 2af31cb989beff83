import type { PrismaClient } from '../generated/prisma/client.js';
import { createAccessStore } from './access/access-store.js';
import { createAuditStore } from './audit/audit-store.js';
import { createCalendarStore } from './calendars/calendar-store.js';
import { createBoardStore } from './boards/board-store.js';
import { createConventionStore } from './conventions/convention-store.js';
import { createFeedStore } from './feeds/feed-store.js';
import { createFicheStore } from './fiches/fiche-store.js';
import { createInboundMailStore } from './inbound-mail/inbound-mail-store.js';
import { createMailLedgerStore } from './mail-ledger/mail-ledger-store.js';
import { createMeetingStore } from './meetings/meeting-store.js';
import { createOpenDataStore } from './open-data/open-data-store.js';
import { createPlanStore } from './plans/plan-store.js';
import { createPollStore } from './polls/poll-store.js';
import { createPrivacyStore } from './privacy/privacy-store.js';

/**
 * The one door to the database: every read and write the application makes, by aggregate. Built
 * once where the database is opened (app/, worker/, tests) and handed to whoever needs it.
 */
export function createStore(db: PrismaClient) {
  return {
    fiches: createFicheStore(db),
    meetings: createMeetingStore(db),
    polls: createPollStore(db),
    conventions: createConventionStore(db),
    access: createAccessStore(db),
    mailLedger: createMailLedgerStore(db),
    audit: createAuditStore(db),
    feeds: createFeedStore(db),
    inboundMail: createInboundMailStore(db),
    calendars: createCalendarStore(db),
    openData: createOpenDataStore(db),
    privacy: createPrivacyStore(db),
    boards: createBoardStore(db),
    plans: createPlanStore(db),
  };
}

export type Store = ReturnType<typeof createStore>;
