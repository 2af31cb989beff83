import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Charter, InstanceKind, MemberRole } from '../domain/charter.js';
import type { FicheContentEdit } from '../domain/fiche-content.js';
import type { FicheState } from '../domain/fiche-views.js';
import type { ActionOf, Actor, LifecycleState } from '../domain/lifecycle/model.js';
import type { ActionKind } from '../domain/lifecycle/vocabulary.js';

/** The task queue every Concerto worker polls. */
export const TASK_QUEUE = 'concerto';

/** When reminders and escalations fall, per convention (times are local to `zone`). */
export interface LifecycleTiming {
  zone: string;
  /** Reminders go out at this local hour. */
  reminderHour: number;
  /** The body's secretary is reminded this many days after a meeting with no decision recorded. */
  remindAfterDays: number;
  /** Then the coordinators are told, this many days after the meeting. */
  escalateAfterDays: number;
  /** Who the coordinators are: these roles in that body. */
  coordinators: { instanceKind: InstanceKind; roles: MemberRole[] };
  /** An instance's own delays, over the two above. */
  byInstance?: Partial<Record<InstanceKind, { remindAfterDays?: number; escalateAfterDays?: number }>>;
  /** A partner asked for its opinion and still silent is reminded (a fresh link) this many days after. */
  partnerRemindAfterDays: number;
  /** Then the coordinators are told, this many days after the request. */
  partnerEscalateAfterDays: number;
}

export const DEFAULT_TIMING: LifecycleTiming = {
  zone: 'Europe/Paris',
  reminderHour: 9,
  remindAfterDays: 1,
  escalateAfterDays: 7,
  partnerRemindAfterDays: 7,
  partnerEscalateAfterDays: 14,
  coordinators: { instanceKind: 'cotech', roles: ['charge_cooperation'] },
};

export interface FicheLifecycleInput {
  ficheId: string;
  conventionId: string;
  title: string;
  authorEmail: string;
  /** The slug of the GTT drafting it, or null for none, as its creator chose (store/fiches/save-fiche.ts otherwise). */
  gtt?: string | null;
  /** The convention's charter: who may decide what. */
  charter: Charter;
  timing?: Partial<LifecycleTiming>;
  /** A fiche of a convention that already ran: the workflow starts at its stage (see {@link ImportedStart}). */
  imported?: ImportedStart;
}

/**
 * Where an imported fiche starts (domain/running-convention.ts' importedLifecycle), who imported it and when
 * (ISO instant): its history's first event says so.
 */
export interface ImportedStart {
  by: string;
  at: string;
  lifecycle: LifecycleState;
  /** When the version in force was validated: the yearly évaluation falls on its anniversary. */
  implementationStartedAt?: string;
}

type ActionInput<K extends ActionKind> = Omit<ActionOf<K>, 'kind'>;

/** One update per human step: the validator refuses a wrong stage, role or input before history. */
export const actionUpdates = {
  submit: defineUpdate<FicheState, [ActionInput<'submit'>]>('submit'),
  recordAvis: defineUpdate<FicheState, [ActionInput<'recordAvis'>]>('recordAvis'),
  recordPartnerOpinion: defineUpdate<FicheState, [ActionInput<'recordPartnerOpinion'>]>('recordPartnerOpinion'),
  recordCopilDecision: defineUpdate<FicheState, [ActionInput<'recordCopilDecision'>]>('recordCopilDecision'),
  recordBureauValidation: defineUpdate<FicheState, [ActionInput<'recordBureauValidation'>]>('recordBureauValidation'),
  requestAmendment: defineUpdate<FicheState, [ActionInput<'requestAmendment'>]>('requestAmendment'),
  withdraw: defineUpdate<FicheState, [ActionInput<'withdraw'>]>('withdraw'),
  recordEvaluation: defineUpdate<FicheState, [ActionInput<'recordEvaluation'>]>('recordEvaluation'),
  close: defineUpdate<FicheState, [ActionInput<'close'>]>('close'),
} satisfies Record<ActionKind, unknown>;

/** A change to the content of the draft (a new fiche's, or an amendment's): refused once it is under review. */
export const editContentUpdate = defineUpdate<FicheState, [{ actor: Actor; edit: FicheContentEdit }]>('editContent');

/**
 * A meeting of some body was scheduled, or (with `meetingId`) the meeting the fiche is on the
 * agenda of was moved or cancelled: the workflow looks for its agenda again.
 */
export const meetingScheduledSignal =
  defineSignal<[{ instanceKind: InstanceKind; meetingId?: string }]>('meetingScheduled');

/** A comment on the fiche, kept in its timeline. */
export const commentSignal = defineSignal<[{ authorEmail: string; text: string }]>('comment');

export const ficheStateQuery = defineQuery<FicheState>('ficheState');

/** A fiche's workflow id: one workflow per fiche. */
export function ficheWorkflowId(ficheId: string): string {
  return `fiche-${ficheId}`;
}
