/**
 * A fiche as the API answers with it: its workflow's state, its versions, its line in a list. The
 * server writes these shapes and the CLI, which speaks HTTP only, reads them: both import them here.
 */
import type { InstanceKind } from './charter.js';
import type { FicheContent, FieldChange } from './fiche-content.js';
import type { FollowUp } from './lifecycle/follow-up.js';
import type { LifecycleState, PendingStep } from './lifecycle/model.js';

/** The meeting a version is on the agenda of. */
export interface AgendaEntry {
  instanceKind: InstanceKind;
  version: number;
  /** Which review of the version this is: a new submission or an adjournment asks for a new meeting. */
  round: string;
  meetingId: string;
  startsAt: string;
  title: string;
}

/** The state of a fiche's lifecycle workflow, as its query and its updates return it. */
export interface FicheState {
  ficheId: string;
  /** FA-<year>-<n>, once the fiche is recorded. */
  code?: string;
  title: string;
  lifecycle: LifecycleState;
  pending: PendingStep | null;
  agenda: AgendaEntry | null;
  /** When the next reminder and escalation fall (ISO), while a body has a decision to record. */
  deadlines: { reminder?: string; escalation?: string; evaluation?: string };
  /** Who has been told what, by idempotency key. */
  notified: string[];
  comments: Array<{ authorEmail: string; text: string; at: string }>;
  /** Its pilot, once a draft names one: the pilot may write the draft too. */
  piloteEmail?: string | null;
  /** Each change made to a draft's content, oldest first. */
  edits?: Array<{ by: string; at: string; version: number; changes: FieldChange[] }>;
}

/** One version of a fiche as pages, the CLI and exports show it: its content and what it changed. */
export interface FicheVersionView {
  version: number;
  state: string;
  createdBy: string;
  createdAt: string;
  content: FicheContent;
  /** Against the version before it; empty for the first. */
  changes: FieldChange[];
}

/** A fiche in a list: what a board or a table shows, from its latest version. */
export interface FicheSummary {
  id: string;
  code: string;
  title: string;
  status: string;
  authorEmail: string;
  pilote: string | null;
  latestVersion: number;
  workflowId: string | null;
  updatedAt: string;
  /** What its workflow follows, as it last wrote it (null: a run started before it wrote any). */
  followUp?: FollowUp | null;
}
