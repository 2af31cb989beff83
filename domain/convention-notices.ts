import type { CampaignKind } from './convention-cycle.js';

/** A fiche a pilot is asked about. */
export interface CampaignFicheRef {
  ficheId: string;
  code: string;
  title: string;
}

/** A fiche as the COPIL's review shows it: its pilot, and its évaluation when recorded. */
export interface ReviewedFiche extends CampaignFicheRef {
  pilotEmail: string;
  evaluation: {
    summary: string;
    indicators: Array<{ label: string; value: number | string; target?: number | string; unit?: string }>;
  } | null;
}

/**
 * Where the review is: on a COPIL meeting's ordre du jour (its start an ISO instant), or a meeting still to be
 * scheduled.
 */
export type ReviewPlace = { meetingTitle: string; startsAt: string } | null;

/**
 * What the convention's cycle tells, as facts: documents/mail/notices/ words it when the mail
 * activity sends it. Instants are ISO strings: the facts cross Temporal's history as JSON.
 */
export type ConventionNoticeContent = { topic: 'convention' } & (
  | {
      /** The opening of a campaign, or a reminder, to a pilot, for the fiches they pilot. */
      kind: 'campaign-invitation' | 'campaign-reminder';
      campaignKind: CampaignKind;
      year: number;
      fiches: CampaignFicheRef[];
      deadline: string;
      baseUrl: string;
      zone: string;
    }
  | {
      /** The synthesis of a campaign, to the COPIL's members and the coordinators, at its deadline. */
      kind: 'review-summary';
      campaignKind: CampaignKind;
      year: number;
      fiches: ReviewedFiche[];
      place: ReviewPlace;
      zone: string;
    }
  | {
      /** To the COPIL's secretary when no COPIL meeting is scheduled for the review. */
      kind: 'schedule-review';
      campaignKind: CampaignKind;
      year: number;
    }
  | {
      /** To the coordinators and the COPIL once an amendment prolongs the convention. */
      kind: 'prolongation';
      number: number;
      previousEnd: string;
      newEnd: string;
      motif: string;
    }
  | {
      /** To the coordinators once a prolongation avenant is proposed: it waits for its validations and signatures. */
      kind: 'amendment-proposed';
      number: number;
      previousEnd: string;
      newEnd: string;
      motif: string;
      proposedBy: string;
      /** The convention's page, where its signature path is recorded. */
      pageUrl: string;
    }
  | {
      /** To the coordinators, months before the end date: prepare the renewal or an avenant. */
      kind: 'term-reminder';
      conventionName: string;
      endDate: string;
      monthsBefore: number;
      /** The convention's page, where its signature path and its avenants are. */
      pageUrl: string;
      /** Where a prolongation avenant is proposed (POST). */
      amendmentsUrl: string;
    }
);
