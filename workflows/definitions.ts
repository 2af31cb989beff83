import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CotechAvis, DecisionInput, FicheStage } from '../domain/fiche.js';

/** The task queue every Concerto worker polls. */
export const TASK_QUEUE = 'concerto';

export interface FicheLifecycleInput {
  ficheId: string;
  conventionId: string;
  title: string;
  authorEmail: string;
}

export interface RecordedDecision {
  outcome: CotechAvis;
  comment?: string;
  actorEmail: string;
  actorRole: string;
  decidedAt: string;
}

export interface FicheState {
  ficheId: string;
  /** FA-<year>-<n>, once the fiche is recorded. */
  code?: string;
  title: string;
  stage: FicheStage;
  decisions: RecordedDecision[];
  /** Who has been told what, by idempotency key. */
  notified: string[];
}

/** Records the COTECH's avis; the validator refuses a wrong stage or role before history. */
export const recordDecisionUpdate = defineUpdate<FicheState, [DecisionInput]>('recordDecision');

export const ficheStateQuery = defineQuery<FicheState>('ficheState');

/** A fiche's workflow id: one workflow per fiche. */
export function ficheWorkflowId(ficheId: string): string {
  return `fiche-${ficheId}`;
}
