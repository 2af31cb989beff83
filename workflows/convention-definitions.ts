import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignPlan, CampaignTiming } from '../domain/convention-cycle.js';
import type { Actor } from '../domain/lifecycle/model.js';

export interface ConventionCycleInput {
  conventionId: string;
  /** The calendar year this run covers; it continues as new into the next while the convention runs. */
  year: number;
  timing?: Partial<CampaignTiming>;
}

/** A fiche en œuvre asked for its évaluation, and whether that year's is recorded. */
export interface CampaignFiche {
  ficheId: string;
  code: string;
  title: string;
  pilotEmail: string;
  answered: boolean;
}

export interface CampaignState extends CampaignPlan {
  /** a_venir · ouverte · close · manquee (its deadline had passed when the cycle started) */
  status: 'a_venir' | 'ouverte' | 'close' | 'manquee';
  /** When the pilots were asked (ISO): a cycle started late skips the reminders due before. */
  openedAt: string | null;
  fiches: CampaignFiche[];
  /** Pilots (addresses) who have answered for every fiche they pilot, and those still asked. */
  answered: string[];
  pending: string[];
  /** The reminders sent, by their instant (ISO). */
  remindersSent: string[];
  /** The COPIL's review, once the campaign is closed. */
  review: { status: 'inscrite' | 'a_planifier'; meetingId?: string; meetingTitle?: string; startsAt?: string } | null;
}

export interface AmendmentRecord {
  number: number;
  previousEndDate: string;
  newEndDate: string;
  motif: string;
  by: string;
  at: string;
}

export interface ConventionCycleState {
  conventionId: string;
  year: number;
  startDate: string;
  /** The convention's last day (YYYY-MM-DD), moved by a prolongation. */
  endDate: string;
  campaigns: CampaignState[];
  /** Prolongations recorded during this year. */
  amendments: AmendmentRecord[];
  /** What the workflow waits for next (ISO), if anything this year. */
  nextWake: string | null;
}

/** Prolongs the convention by amendment: a coopérateur or an admin, a later end date, a motif. */
export const prolongUpdate = defineUpdate<ConventionCycleState, [{ actor: Actor; newEndDate: string; motif: string }]>(
  'prolong',
);

/** A fiche's évaluation for `year` was recorded (sent by the fiche's workflow), so the state shows it at once. */
export const evaluationRecordedSignal = defineSignal<[{ ficheId: string; year: number }]>('evaluationRecorded');

export const conventionCycleStateQuery = defineQuery<ConventionCycleState>('conventionCycleState');

/** One cycle workflow per convention: it continues as new into each following year. */
export function conventionWorkflowId(conventionId: string): string {
  return `convention-${conventionId}`;
}
