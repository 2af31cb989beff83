import { z } from 'zod';
import {
  INSTANCE_KIND_LABELS,
  MEMBER_ROLE_LABELS,
  mayRecordDecision,
  type Charter,
  type InstanceKind,
  type MemberRole,
} from './charter.js';
import { DomainError } from './errors.js';
import { actorSchema } from './lifecycle/action-schemas.js';
import type { Actor } from './lifecycle/model.js';
import { atLocalTime, shiftDate, toLocal } from './paris-time.js';
import { nonEmptyText, parseInput, shareable } from './validation.js';

/**
 * The plan d'actions of a convention over its period as a small pure state machine: the groupe
 * d'élaboration works out its content (élaboration), the coopérateurs write it (écriture), the
 * Bureau communautaire validates it or sends it back to the writing, then it is presented to the
 * conseil communautaire. The state is plain JSON: it travels in Temporal's history and the database.
 */

export const PLAN_STAGES = ['elaboration', 'ecriture', 'attente_bureau', 'validee', 'presentee'] as const;
export type PlanStage = (typeof PLAN_STAGES)[number];

export const PLAN_STAGE_LABELS: Record<PlanStage, string> = {
  elaboration: 'en élaboration avec le groupe d’élaboration',
  ecriture: 'en écriture',
  attente_bureau: 'en attente de la validation du Bureau communautaire',
  validee: 'validé par le Bureau communautaire, à présenter au conseil communautaire',
  presentee: 'présenté au conseil communautaire',
};

export const PLAN_ACTION_KINDS = [
  'finishElaboration',
  'submitToBureau',
  'recordBureauDecision',
  'recordPresentation',
] as const;
export type PlanActionKind = (typeof PLAN_ACTION_KINDS)[number];

export const PLAN_ACTION_LABELS: Record<PlanActionKind, string> = {
  finishElaboration: 'Fin de l’élaboration avec le groupe',
  submitToBureau: 'Transmission au Bureau communautaire',
  recordBureauDecision: 'Décision du Bureau communautaire',
  recordPresentation: 'Présentation au conseil communautaire',
};

export const PLAN_BUREAU_OUTCOMES = ['valide', 'a_reprendre'] as const;
export type PlanBureauOutcome = (typeof PLAN_BUREAU_OUTCOMES)[number];
export const PLAN_BUREAU_OUTCOME_LABELS: Record<PlanBureauOutcome, string> = {
  valide: 'validé',
  a_reprendre: 'à reprendre',
};

export interface PlanAction {
  kind: PlanActionKind;
  actor: Actor;
  /** The Bureau's decision; only for recordBureauDecision. */
  outcome?: PlanBureauOutcome;
  comment?: string;
}

/** One step of the plan's history, in the order taken. */
export interface PlanHistoryEntry {
  action: PlanActionKind;
  from: PlanStage;
  to: PlanStage;
  by: string;
  /** ISO instant. */
  at: string;
  outcome?: PlanBureauOutcome;
  comment?: string;
}

export interface PlanLifecycle {
  stage: PlanStage;
  /** When the current stage began (ISO): its reminders count from there. */
  since: string;
  history: PlanHistoryEntry[];
}

export function initialPlanLifecycle(at: string): PlanLifecycle {
  return { stage: 'elaboration', since: at, history: [] };
}

/** Which stage each action applies to. */
const FROM: Record<PlanActionKind, PlanStage> = {
  finishElaboration: 'elaboration',
  submitToBureau: 'ecriture',
  recordBureauDecision: 'attente_bureau',
  recordPresentation: 'validee',
};

/** The body whose recorders (by the charter) take a decision step; the others are the coopérateurs'. */
const DECIDING: Partial<Record<PlanActionKind, InstanceKind>> = {
  recordBureauDecision: 'bureau_communautaire',
  recordPresentation: 'conseil_communautaire',
};

const VERBS: Record<PlanActionKind, string> = {
  finishElaboration: 'clore l’élaboration du plan d’actions',
  submitToBureau: 'transmettre le plan d’actions au Bureau communautaire',
  recordBureauDecision: 'enregistrer la décision du Bureau communautaire sur le plan d’actions',
  recordPresentation: 'enregistrer la présentation du plan d’actions au conseil communautaire',
};

const MAX_COMMENT = 2000;

export const planActionSchema = shareable(
  z.object({
    kind: z.enum(PLAN_ACTION_KINDS, {
      error: `Action inconnue : possibles ${PLAN_ACTION_KINDS.map((k) => `« ${k} »`).join(', ')}.`,
    }),
    actor: actorSchema(),
    outcome: z.enum(PLAN_BUREAU_OUTCOMES, { error: '« outcome » vaut « valide » ou « a_reprendre ».' }).optional(),
    comment: nonEmptyText(MAX_COMMENT, {
      multiline: true,
      tooLong: `Le commentaire dépasse ${MAX_COMMENT} caractères : raccourcissez-le.`,
    }).optional(),
  }),
);

/** Reads a raw action (an API body, an update's argument), with French field errors. */
export function parsePlanAction(input: unknown): PlanAction {
  const action = parseInput(planActionSchema(), input, { what: 'l’étape du plan d’actions' });
  if (action.kind === 'recordBureauDecision' && !action.outcome) {
    throw new DomainError(
      'INVALID_INPUT',
      'Indiquez la décision du Bureau communautaire (« outcome ») : « valide » ou « a_reprendre ».',
      'outcome',
    );
  }
  if (action.kind !== 'recordBureauDecision' && action.outcome) {
    throw new DomainError('INVALID_INPUT', 'Seule la décision du Bureau communautaire a un « outcome ».', 'outcome');
  }
  if (action.kind === 'recordBureauDecision' && action.outcome === 'a_reprendre' && !action.comment) {
    throw new DomainError(
      'INVALID_INPUT',
      'Dites ce qui est à reprendre (« comment ») : les rédacteurs du plan le liront.',
      'comment',
    );
  }
  return {
    kind: action.kind,
    actor: action.actor,
    ...(action.outcome ? { outcome: action.outcome } : {}),
    ...(action.comment ? { comment: action.comment } : {}),
  };
}

/** Refuses an action that does not apply to the stage, or that the actor may not take. */
export function checkPlanAction(state: PlanLifecycle, action: PlanAction, charter: Charter): void {
  const expected = FROM[action.kind];
  if (state.stage !== expected) {
    throw new DomainError(
      'WRONG_STAGE',
      `Le plan d’actions est ${PLAN_STAGE_LABELS[state.stage]} : on ne peut pas ${VERBS[action.kind]}, ` +
        `ce qui se fait quand il est ${PLAN_STAGE_LABELS[expected]}.`,
    );
  }
  const { actor } = action;
  const admin = actor.appRole === 'admin';
  const body = DECIDING[action.kind];
  if (!body) {
    if (admin || actor.appRole === 'cooperateur') return;
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul un coopérateur (ou un administrateur) peut ${VERBS[action.kind]} : demandez-le à l’un d’eux.`,
      'actor.appRole',
    );
  }
  if (mayRecordDecision(charter, body, actor.instanceRoles[body] ?? [], admin)) return;
  const recorders = charter.decisionRecorders[body] ?? [];
  const who = recorders.length
    ? `un ${recorders.map((role) => MEMBER_ROLE_LABELS[role]).join(' ou un ')} du ${INSTANCE_KIND_LABELS[body]} ` +
      '(ou un administrateur)'
    : 'un administrateur';
  throw new DomainError(
    'ROLE_NOT_ALLOWED',
    `Seul ${who} peut ${VERBS[action.kind]} : demandez-le à l’un d’eux.`,
    `actor.instanceRoles.${body}`,
  );
}

/**
 * The steps `actor` may take on the plan now, by {@link checkPlanAction} itself (stage, then role):
 * what a page offers them. The Bureau's outcome does not change who may record it.
 */
export function planActionsOpenTo(state: PlanLifecycle, actor: Actor, charter: Charter): PlanActionKind[] {
  return PLAN_ACTION_KINDS.filter((kind) => {
    try {
      checkPlanAction(
        state,
        { kind, actor, ...(kind === 'recordBureauDecision' ? { outcome: 'valide' } : {}) },
        charter,
      );
      return true;
    } catch (error) {
      if (error instanceof DomainError) return false;
      throw error;
    }
  });
}

/** The stage an accepted action leads to. */
function nextStage(action: PlanAction): PlanStage {
  switch (action.kind) {
    case 'finishElaboration':
      return 'ecriture';
    case 'submitToBureau':
      return 'attente_bureau';
    case 'recordBureauDecision':
      return action.outcome === 'valide' ? 'validee' : 'ecriture';
    case 'recordPresentation':
      return 'presentee';
  }
}

/** Moves the plan by an action {@link checkPlanAction} accepted, at `at` (ISO). */
export function applyPlanAction(state: PlanLifecycle, action: PlanAction, at: string): PlanLifecycle {
  const to = nextStage(action);
  const entry: PlanHistoryEntry = {
    action: action.kind,
    from: state.stage,
    to,
    by: action.actor.email,
    at,
    ...(action.outcome ? { outcome: action.outcome } : {}),
    ...(action.comment ? { comment: action.comment } : {}),
  };
  return { stage: to, since: at, history: [...state.history, entry] };
}

/** Who is waited for at a stage: the body's members of these roles are reminded; none once presented. */
export interface PlanWaitingFor {
  instanceKind: InstanceKind;
  roles?: MemberRole[];
  /** What they are expected to do, as the reminder says it. */
  what: string;
}

/**
 * Who the plan waits for at each stage. The groupe d'élaboration while it works; the coordinators
 * (the COTECH's chargés de coopération) while it is written; the Bureau's and the conseil's
 * recorders (by the charter) for their steps.
 */
export function planWaitingFor(stage: PlanStage, charter: Charter): PlanWaitingFor | null {
  switch (stage) {
    case 'elaboration':
      return { instanceKind: 'groupe_elaboration', what: 'achever l’élaboration du plan d’actions' };
    case 'ecriture':
      return {
        instanceKind: 'cotech',
        roles: ['charge_cooperation'],
        what: 'achever l’écriture du plan d’actions et le transmettre au Bureau communautaire',
      };
    case 'attente_bureau':
      return {
        instanceKind: 'bureau_communautaire',
        ...recorders(charter, 'bureau_communautaire'),
        what: 'inscrire le plan d’actions à une séance du Bureau communautaire et enregistrer sa décision',
      };
    case 'validee':
      return {
        instanceKind: 'conseil_communautaire',
        ...recorders(charter, 'conseil_communautaire'),
        what: 'présenter le plan d’actions au conseil communautaire et l’enregistrer',
      };
    case 'presentee':
      return null;
  }
}

const recorders = (charter: Charter, body: InstanceKind) => {
  const roles = charter.decisionRecorders[body];
  return roles?.length ? { roles: [...roles] } : {};
};

/** When reminders fall, in days after the stage began, at a local hour. */
export interface PlanTiming {
  /** A stage that lasts is reminded this many days after it began, then as often again. */
  remindEveryDays: number;
  /** At most this many reminders per stage: then the coordinators know, and nagging more helps nobody. */
  maxReminders: number;
  hour: number;
}

/** A plan takes months to write; a monthly nudge keeps it moving without becoming noise. */
export const DEFAULT_PLAN_TIMING: PlanTiming = { remindEveryDays: 30, maxReminders: 3, hour: 9 };

/** The period a plan covers: « 2023-2027 » from the convention's years. */
export function planPeriod(startYear: number, endYear: number): string {
  return startYear === endYear ? String(startYear) : `${startYear}-${endYear}`;
}

/** The `n`-th reminder (1 for the first) of a stage begun at `since` (ISO): that many periods later, at the hour. */
export function planReminderAt(since: string, n: number, timing: PlanTiming, zone: string): Date {
  return atLocalTime(shiftDate(toLocal(since, zone), n * timing.remindEveryDays), timing.hour, 0, zone);
}

/** The plan's lifecycle as recorded: its stage, its steps, and since when it is at its stage. */
export function recordedPlanLifecycle(stage: PlanStage, history: PlanHistoryEntry[], openedAt: string): PlanLifecycle {
  return { stage, since: history.at(-1)?.at ?? openedAt, history };
}

export const planPeriodSchema = shareable(
  z
    .object({
      startYear: z.int({ error: '« startYear » est une année, par exemple 2023.' }).min(2000).max(2100),
      endYear: z.int({ error: '« endYear » est une année, par exemple 2027.' }).min(2000).max(2100),
    })
    .refine((p) => p.endYear >= p.startYear, { error: 'La période finit après son début.', path: ['endYear'] }),
);

/**
 * The period of a plan to open: the one given, else the convention's years. It must lie within the
 * convention (`startDate` and `endDate` YYYY-MM-DD): a plan d'actions belongs to its convention.
 */
export function planPeriodOf(
  input: unknown,
  convention: { startDate: string; endDate: string },
): { startYear: number; endYear: number } {
  const first = Number(convention.startDate.slice(0, 4));
  const last = Number(convention.endDate.slice(0, 4));
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (raw.startYear === undefined && raw.endYear === undefined) return { startYear: first, endYear: last };
  const period = parseInput(planPeriodSchema(), raw, { what: 'la période du plan d’actions' });
  if (period.startYear < first || period.endYear > last) {
    throw new DomainError(
      'INVALID_INPUT',
      `La période ${planPeriod(period.startYear, period.endYear)} sort de celle de la convention ` +
        `(${planPeriod(first, last)}).`,
      period.startYear < first ? 'startYear' : 'endYear',
    );
  }
  return period;
}
