import type { InstanceKind, MemberRole, StructureKind } from '../charter.js';
import type {
  ActionKind,
  AppRole,
  AvisOutcome,
  BureauOutcome,
  CopilOutcome,
  Partner,
  PartnerOpinionValue,
  ReviewStage,
  Stage,
} from './vocabulary.js';

/**
 * The whole lifecycle of a fiche action as a pure state machine: brouillon (GTT) → soumise → avis
 * du COTECH → décision du COPIL (seeing the CAF's and the MSA's opinions) → validation du Bureau
 * communautaire → en œuvre → yearly évaluations → clôturée, with withdrawal before validation and
 * amendments of a fiche en œuvre going through the same chain as a new version.
 *
 * The state is plain JSON (no `undefined` values, no classes) so it travels in Temporal's history,
 * queries and the API unchanged. Callers parse raw input with {@link parseAction}, refuse it with
 * {@link check} (a workflow update's validator), then move with {@link apply} (its handler).
 *
 * Choice: the Bureau's validation puts the fiche en œuvre at once. Nobody acts between « validée »
 * and « en œuvre », so a separate step would only be one more thing to forget; the history entry
 * of the validation dates the start of the implementation.
 */

/** Who acts. `instanceRoles` are the person's roles in the instances of the fiche's convention. */
export interface Actor {
  email: string;
  appRole: AppRole;
  instanceRoles: Partial<Record<InstanceKind, MemberRole[]>>;
  /** The kind of structure the person speaks for: `caf` or `msa` to record that partner's opinion. */
  structureKind?: StructureKind;
}

/** One indicator measured by an évaluation: a number or a short text (« mis en place »). */
export interface Indicator {
  label: string;
  value: number | string;
  target?: number | string;
  unit?: string;
}

export type Action =
  | { kind: 'submit'; actor: Actor }
  | { kind: 'recordAvis'; actor: Actor; outcome: AvisOutcome; comment?: string }
  | { kind: 'recordPartnerOpinion'; actor: Actor; partner: Partner; opinion: PartnerOpinionValue; comment?: string }
  | { kind: 'recordCopilDecision'; actor: Actor; outcome: CopilOutcome; comment?: string }
  | { kind: 'recordBureauValidation'; actor: Actor; outcome: BureauOutcome; comment?: string }
  | { kind: 'requestAmendment'; actor: Actor; summary: string }
  | { kind: 'withdraw'; actor: Actor; reason: string }
  | { kind: 'recordEvaluation'; actor: Actor; year: number; summary: string; indicators?: Indicator[] }
  | { kind: 'close'; actor: Actor; reason: string };

export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;

/** Who recorded something, and when (ISO instant). */
export interface Recorded {
  by: string;
  at: string;
}

export interface PartnerOpinion extends Recorded {
  opinion: PartnerOpinionValue;
  comment?: string;
}

/** A comment of a body on a version: what the GTT reads to rework it, what the COPIL reads to decide. */
export interface ReviewComment extends Recorded {
  from: 'cotech' | 'copil' | 'bureau_communautaire';
  outcome: string;
  text: string;
}

/** The version under review: the first one, or an amendment while the validated one stays in force. */
export interface VersionReview {
  version: number;
  stage: ReviewStage;
  /** For an amendment: what it changes. */
  amendmentSummary?: string;
  /**
   * The COTECH's avis on the submission in progress; « à retravailler » clears it, as the version goes back to the GTT.
   */
  avis?: Recorded & { outcome: Exclude<AvisOutcome, 'a_retravailler'>; comment?: string };
  /** Recorded while the version awaits the COPIL; a partner may restate its opinion, the latest stands. */
  partnerOpinions: Partial<Record<Partner, PartnerOpinion>>;
  /** How many times the COPIL postponed its decision on this version. */
  adjournments: number;
  /** Every comment of the COTECH, the COPIL and the Bureau on this version, oldest first. */
  comments: ReviewComment[];
}

export interface Evaluation extends Recorded {
  year: number;
  /** The version in force when it was recorded. */
  version: number;
  summary: string;
  indicators?: Indicator[];
}

export interface HistoryEntry extends Recorded {
  action: ActionKind;
  /** The version the action concerns: the one under review, else the one in force. */
  version: number;
  outcome?: string;
  partner?: Partner;
  year?: number;
  /** The comment, reason or summary given with the action. */
  comment?: string;
}

export interface LifecycleState {
  /** While an amendment is reviewed the fiche stays `en_oeuvre`; `review.stage` tells where the amendment is. */
  stage: Stage;
  /** The validated version that applies; null until the first validation. */
  versionInForce: number | null;
  /** The highest version number given so far (a withdrawn or refused amendment keeps its number). */
  latestVersion: number;
  review: VersionReview | null;
  /** Sorted by year. */
  evaluations: Evaluation[];
  /** One entry per accepted action, oldest first. */
  history: HistoryEntry[];
}

/**
 * Where a fiche's lifecycle stands, without its history: all that says which steps are open, and to whom. Its
 * workflow writes it on the fiche's row, so that a board of every fiche reads it there instead of asking each run.
 */
export type LifecyclePosition = Omit<LifecycleState, 'history'>;

export function positionOf(state: LifecycleState): LifecyclePosition {
  const { stage, versionInForce, latestVersion, review, evaluations } = state;
  return { stage, versionInForce, latestVersion, review, evaluations };
}

export interface PendingStep {
  instanceKind: InstanceKind;
  version: number;
  /** French, e.g. « le COTECH rend son avis (favorable, à retravailler ou défavorable) sur la version 1 ». */
  what: string;
  /** At the COPIL stage: the partners whose opinion the COPIL still waits for. */
  missingPartnerOpinions?: Partner[];
}
