import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignPlan, CampaignTiming, TermReminderPlan } from '../domain/convention-cycle.js';
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
  /**
   * projet until the three parties have signed it, then signe; absent on those recorded before the
   * signature path, which took effect at once.
   */
  status?: 'projet' | 'signe';
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
  /** Prolongations proposed or signed during this year. */
  amendments: AmendmentRecord[];
  /** This year's reminders to the coordinators that the term nears (empty in runs started before they existed). */
  termReminders: TermReminderState[];
  /** What the workflow waits for next (ISO), if anything this year. */
  nextWake: string | null;
}

export interface TermReminderState extends TermReminderPlan {
  /** a_venir · envoye · manque (its time had passed when planned) */
  status: 'a_venir' | 'envoye' | 'manque';
}

/**
 * Proposes a prolongation by amendment: a coopérateur or an admin, a later end date, a motif. The
 * avenant then goes through its signature path; runs started before that path moved the end date at once.
 */
export const prolongUpdate = defineUpdate<ConventionCycleState, [{ actor: Actor; newEndDate: string; motif: string }]>(
  'prolong',
);

/** A fiche's évaluation for `year` was recorded (sent by the fiche's workflow), so the state shows it at once. */
export const evaluationRecordedSignal = defineSignal<[{ ficheId: string; year: number }]>('evaluationRecorded');

/**
 * The three parties signed the prolongation avenant `number` (sent by the route that records its
 * last signature): the cycle reads the new end date, plans again and tells the COPIL.
 */
export const amendmentSignedSignal = defineSignal<[{ number: number }]>('amendmentSigned');

export const conventionCycleStateQuery = defineQuery<ConventionCycleState>('conventionCycleState');

/** One cycle workflow per convention: it continues as new into each following year. */
export function conventionWorkflowId(conventionId: string): string {
  return `convention-${conventionId}`;
}
