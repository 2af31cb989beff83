import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { addFreeAgendaItem, moveAgendaItem, recordFreeItemDecision, setAgendaItemDuration } from './agenda-items.js';
import { findDossierFiches } from './dossier-fiches.js';
import { createMeetingRecord } from './create-meeting.js';
import { findMeeting, findMeetingState } from './find-meeting.js';
import { findMeetingForMail } from './find-meeting-for-mail.js';
import { findMeetingPage } from './find-meeting-page.js';
import { findRsvpInvitation } from './find-rsvp-invitation.js';
import { listFichesDue } from './list-fiches-due.js';
import { listMeetingsBetween } from './list-meetings-between.js';
import { findMinutesFile, saveMinutesFile } from './minutes-file.js';
import { fichesOnAgenda, meetingAgenda } from './meeting-agenda.js';
import { findMeetingSeats, findProxyChoice, inviteSuppleant, recordProxy } from './meeting-seats.js';
import {
  conventionMeetingFeed,
  findFeedConvention,
  findFeedInstance,
  instanceMeetingFeed,
  isConventionMember,
  personMeetingFeed,
} from './meeting-feed.js';
import { placeReviewOnCopilAgenda } from './place-review-on-copil-agenda.js';
import { prepareMeeting } from './prepare-meeting.js';
import { putOnNextAgenda } from './put-on-next-agenda.js';
import { recordMeetingChange } from './record-meeting-change.js';
import { recordRsvp } from './record-rsvp.js';
import { findCounterProposal, listPendingCounterProposals, recordCounterProposal } from './counter-proposals.js';

/** Meetings with their invitations, answers, ordre du jour and calendar feeds. */
export function createMeetingStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    create: bind(createMeetingRecord),
    prepare: bind(prepareMeeting),
    recordChange: bind(recordMeetingChange),
    find: bind(findMeeting),
    findState: bind(findMeetingState),
    findForMail: bind(findMeetingForMail),
    findForPage: bind(findMeetingPage),
    listBetween: bind(listMeetingsBetween),
    agendaTitles: bind(meetingAgenda),
    fichesOnAgenda: bind(fichesOnAgenda),
    listFichesDue: bind(listFichesDue),
    addFreeAgendaItem: bind(addFreeAgendaItem),
    moveAgendaItem: bind(moveAgendaItem),
    setAgendaItemDuration: bind(setAgendaItemDuration),
    findDossierFiches: bind(findDossierFiches),
    recordFreeItemDecision: bind(recordFreeItemDecision),
    saveMinutesFile: bind(saveMinutesFile),
    findMinutesFile: bind(findMinutesFile),
    putFicheOnNextAgenda: bind(putOnNextAgenda),
    placeReviewOnCopilAgenda: bind(placeReviewOnCopilAgenda),
    findRsvpInvitation: bind(findRsvpInvitation),
    recordRsvp: bind(recordRsvp),
    recordCounter: bind(recordCounterProposal),
    pendingCounters: bind(listPendingCounterProposals),
    findCounter: bind(findCounterProposal),
    inviteSuppleant: bind(inviteSuppleant),
    findSeats: bind(findMeetingSeats),
    findProxyChoice: bind(findProxyChoice),
    recordProxy: bind(recordProxy),
    findFeedConvention: bind(findFeedConvention),
    findFeedInstance: bind(findFeedInstance),
    isConventionMember: bind(isConventionMember),
    conventionFeed: bind(conventionMeetingFeed),
    instanceFeed: bind(instanceMeetingFeed),
    personFeed: bind(personMeetingFeed),
  };
}

export type MeetingStore = ReturnType<typeof createMeetingStore>;
