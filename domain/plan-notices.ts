import type { PlanActionKind, PlanBureauOutcome, PlanStage } from './plan-actions.js';

/**
 * What the plan d'actions' workflow tells, as facts: documents/mail/notices/ words it when the mail
 * activity sends it. Instants are ISO strings: the facts cross Temporal's history as JSON.
 */
export type PlanNoticeContent = { topic: 'plan'; period: string; pageUrl: string } & (
  | {
      /** A step was taken: to the groupe d'élaboration, the coordinators and whoever acts next. */
      kind: 'plan-step';
      action: PlanActionKind;
      stage: PlanStage;
      by: string;
      outcome?: PlanBureauOutcome;
      comment?: string;
      /** What is expected next, and from whom, in words; null once presented. */
      next: string | null;
    }
  | {
      /** The stage lasts: to those it waits for. */
      kind: 'plan-reminder';
      stage: PlanStage;
      since: string;
      what: string;
      zone: string;
    }
);
