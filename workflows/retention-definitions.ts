import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface RetentionInput {
  conventionId: string;
}

/** Where a convention's personal data stands, as its retention workflow knows it. */
export interface RetentionState {
  conventionId: string;
  /** When its former members are to be anonymised (ISO): the day after its end, plus its retention period. */
  due: string | null;
  /** When they were (ISO), and how many. */
  anonymisedAt: string | null;
  anonymised: number | null;
}

/** The convention's end or its retention period changed: the workflow reads them again. */
export const retentionChangedSignal = defineSignal('retentionChanged');

export const retentionStateQuery = defineQuery<RetentionState>('retentionState');

/** One retention workflow per convention. */
export function retentionWorkflowId(conventionId: string): string {
  return `retention-${conventionId}`;
}

/** Who the audit log says anonymised: the retention workflow, not a person. */
export const RETENTION_ACTOR = 'systeme:conservation';
