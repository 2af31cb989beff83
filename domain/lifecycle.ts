import { z } from 'zod';
import {
  INSTANCE_KINDS,
  INSTANCE_KIND_LABELS,
  MEMBER_ROLES,
  MEMBER_ROLE_LABELS,
  REFERENCE_CHARTER,
  STRUCTURE_KINDS,
  mayRecordDecision,
  type Charter,
  type InstanceKind,
  type MemberRole,
  type StructureKind,
} from './charter.js';
import { DomainError } from './errors.js';
import { email, nonEmptyText, parseInput } from './validation.js';

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

export const STAGES = [
  'brouillon',
  'soumise',
  'attente_copil',
  'attente_bureau',
  'en_oeuvre',
  'rejetee',
  'refusee',
  'retiree',
  'cloturee',
] as const;
export type Stage = (typeof STAGES)[number];

/** The stages a version goes through before it is validated; a first version's stage is also the fiche's. */
export const REVIEW_STAGES = ['brouillon', 'soumise', 'attente_copil', 'attente_bureau'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

/** Stages that admit no action at all. */
export const TERMINAL_STAGES = ['rejetee', 'refusee', 'retiree', 'cloturee'] as const;
export type TerminalStage = (typeof TERMINAL_STAGES)[number];

export const ACTION_KINDS = [
  'submit',
  'recordAvis',
  'recordPartnerOpinion',
  'recordCopilDecision',
  'recordBureauValidation',
  'requestAmendment',
  'withdraw',
  'recordEvaluation',
  'close',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const AVIS_OUTCOMES = ['favorable', 'a_retravailler', 'defavorable'] as const;
export type AvisOutcome = (typeof AVIS_OUTCOMES)[number];

export const PARTNERS = ['caf', 'msa'] as const;
export type Partner = (typeof PARTNERS)[number];

export const PARTNER_OPINIONS = ['favorable', 'reserve', 'defavorable'] as const;
export type PartnerOpinionValue = (typeof PARTNER_OPINIONS)[number];

export const COPIL_OUTCOMES = ['adoptee', 'ajournee', 'rejetee'] as const;
export type CopilOutcome = (typeof COPIL_OUTCOMES)[number];

export const BUREAU_OUTCOMES = ['validee', 'refusee'] as const;
export type BureauOutcome = (typeof BUREAU_OUTCOMES)[number];

export const APP_ROLES = ['cooperateur', 'secretaire_instance', 'membre', 'admin', 'partenaire'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** Earliest and latest year an évaluation may concern. */
export const EVALUATION_YEARS = { min: 2000, max: 2100 } as const;

export const STAGE_LABELS: Record<Stage, string> = {
  brouillon: 'brouillon',
  soumise: 'soumise, en attente de l’avis du COTECH',
  attente_copil: 'en attente de la décision du COPIL',
  attente_bureau: 'en attente de la validation du Bureau communautaire',
  en_oeuvre: 'en œuvre',
  rejetee: 'rejetée par le COPIL',
  refusee: 'refusée par le Bureau communautaire',
  retiree: 'retirée',
  cloturee: 'clôturée',
};

export const AVIS_LABELS: Record<AvisOutcome, string> = {
  favorable: 'favorable',
  a_retravailler: 'à retravailler',
  defavorable: 'défavorable',
};
export const PARTNER_LABELS: Record<Partner, string> = { caf: 'CAF', msa: 'MSA' };
export const PARTNER_OPINION_LABELS: Record<PartnerOpinionValue, string> = {
  favorable: 'favorable',
  reserve: 'réservé',
  defavorable: 'défavorable',
};
export const COPIL_OUTCOME_LABELS: Record<CopilOutcome, string> = {
  adoptee: 'adoptée',
  ajournee: 'ajournée',
  rejetee: 'rejetée',
};
export const BUREAU_OUTCOME_LABELS: Record<BureauOutcome, string> = { validee: 'validée', refusee: 'refusée' };
/** Every body's outcome, as a relevé de décisions words it. */
export const DECISION_OUTCOME_LABELS: Readonly<Record<string, string>> = {
  ...AVIS_LABELS,
  ...COPIL_OUTCOME_LABELS,
  ...BUREAU_OUTCOME_LABELS,
};

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
  /** The COTECH's avis on the submission in progress; « à retravailler » clears it, as the version goes back to the GTT. */
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

export interface PendingStep {
  instanceKind: InstanceKind;
  version: number;
  /** French, e.g. « le COTECH rend son avis (favorable, à retravailler ou défavorable) sur la version 1 ». */
  what: string;
  /** At the COPIL stage: the partners whose opinion the COPIL still waits for. */
  missingPartnerOpinions?: Partner[];
}

const COOPERATOR_ACTIONS: readonly ActionKind[] = [
  'submit',
  'requestAmendment',
  'withdraw',
  'recordEvaluation',
  'close',
];

const DECIDING_INSTANCE = {
  recordAvis: 'cotech',
  recordCopilDecision: 'copil',
  recordBureauValidation: 'bureau_communautaire',
} as const satisfies Partial<Record<ActionKind, InstanceKind>>;
type DecisionKind = keyof typeof DECIDING_INSTANCE;

function isDecision(kind: ActionKind): kind is DecisionKind {
  return Object.hasOwn(DECIDING_INSTANCE, kind);
}

const MAX_COMMENT = 5000;
const MAX_REASON = 2000;
const MAX_LABEL = 200;
const MAX_INDICATORS = 50;

const enumOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} doit être l’une des valeurs : ${values.join(', ')}.` });

export const actorSchema = z.strictObject(
  {
    email: email(),
    appRole: enumOf(APP_ROLES, 'Le rôle dans l’application (« actor.appRole »)'),
    instanceRoles: z.partialRecord(z.enum(INSTANCE_KINDS), z.array(z.enum(MEMBER_ROLES))).default({}),
    structureKind: z.enum(STRUCTURE_KINDS).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'Indiquez qui agit (« actor ») : un objet avec au moins email et appRole.'
        : undefined,
  },
);

/** Input that names only who acts: closing a poll, sending a relevé de décisions. */
export const actorOnlySchema = z.strictObject({ actor: actorSchema });

const comment = () =>
  z
    .string({ error: `Le commentaire doit être un texte de ${MAX_COMMENT} caractères au plus.` })
    .trim()
    .max(MAX_COMMENT, { error: `Le commentaire dépasse ${MAX_COMMENT} caractères : raccourcissez-le.` })
    .optional();

const objectError = (issue: z.core.$ZodRawIssue) =>
  issue.code === 'invalid_type' ? 'L’action doit être un objet JSON.' : undefined;

/** Whether an outcome that needs its reasons comes with a comment. */
const commented =
  (outcomes: readonly string[]) =>
  (input: { outcome?: string; opinion?: string; comment?: string | undefined }): boolean =>
    !outcomes.includes(input.outcome ?? input.opinion ?? '') || Boolean(input.comment?.trim());

/** Reported with the other issues, as long as the outcome and the comment themselves are well formed. */
const commentRule = (message: string, outcomeField: 'outcome' | 'opinion') => ({
  path: ['comment'],
  error: message,
  when: (payload: { issues: readonly { path?: readonly PropertyKey[] | undefined }[] }) =>
    payload.issues.every((issue) => issue.path?.[0] !== outcomeField && issue.path?.[0] !== 'comment'),
});

const indicatorValue = () =>
  z.union([z.number(), nonEmptyText(MAX_LABEL)], { error: 'Une valeur d’indicateur est un nombre ou un texte court.' });

/** The schema of each kind of action: raw input in, a normalised {@link Action} out (texts trimmed, e-mail lower-cased). */
export const actionSchemas = {
  submit: z.strictObject({ kind: z.literal('submit'), actor: actorSchema }, { error: objectError }),
  recordAvis: z
    .strictObject(
      {
        kind: z.literal('recordAvis'),
        actor: actorSchema,
        outcome: enumOf(AVIS_OUTCOMES, 'L’avis du COTECH (« outcome »)'),
        comment: comment(),
      },
      { error: objectError },
    )
    .refine(
      commented(['a_retravailler', 'defavorable']),
      commentRule(
        'Un avis « à retravailler » ou « défavorable » dit pourquoi, au GTT et au COPIL : ajoutez un commentaire.',
        'outcome',
      ),
    ),
  recordPartnerOpinion: z
    .strictObject(
      {
        kind: z.literal('recordPartnerOpinion'),
        actor: actorSchema,
        partner: enumOf(PARTNERS, 'Le partenaire (« partner »)'),
        opinion: enumOf(PARTNER_OPINIONS, 'L’avis du partenaire (« opinion »)'),
        comment: comment(),
      },
      { error: objectError },
    )
    .refine(
      commented(['reserve', 'defavorable']),
      commentRule(
        'Un avis « réservé » ou « défavorable » de la CAF ou de la MSA dit pourquoi au COPIL : ajoutez un commentaire.',
        'opinion',
      ),
    ),
  recordCopilDecision: z
    .strictObject(
      {
        kind: z.literal('recordCopilDecision'),
        actor: actorSchema,
        outcome: enumOf(COPIL_OUTCOMES, 'La décision du COPIL (« outcome »)'),
        comment: comment(),
      },
      { error: objectError },
    )
    .refine(
      commented(['rejetee']),
      commentRule('Une fiche rejetée par le COPIL doit savoir pourquoi : ajoutez un commentaire.', 'outcome'),
    ),
  recordBureauValidation: z
    .strictObject(
      {
        kind: z.literal('recordBureauValidation'),
        actor: actorSchema,
        outcome: enumOf(BUREAU_OUTCOMES, 'La décision du Bureau communautaire (« outcome »)'),
        comment: comment(),
      },
      { error: objectError },
    )
    .refine(
      commented(['refusee']),
      commentRule(
        'Une fiche refusée par le Bureau communautaire doit savoir pourquoi : ajoutez un commentaire.',
        'outcome',
      ),
    ),
  requestAmendment: z.strictObject(
    {
      kind: z.literal('requestAmendment'),
      actor: actorSchema,
      summary: nonEmptyText(MAX_REASON, {
        required: 'Dites ce que l’avenant change (« summary ») : il est obligatoire.',
        tooLong: `Le résumé de l’avenant dépasse ${MAX_REASON} caractères : raccourcissez-le.`,
      }),
    },
    { error: objectError },
  ),
  withdraw: z.strictObject(
    {
      kind: z.literal('withdraw'),
      actor: actorSchema,
      reason: nonEmptyText(MAX_REASON, {
        required: 'Dites pourquoi la fiche est retirée (« reason ») : le motif est obligatoire.',
        tooLong: `Le motif dépasse ${MAX_REASON} caractères : raccourcissez-le.`,
      }),
    },
    { error: objectError },
  ),
  recordEvaluation: z.strictObject(
    {
      kind: z.literal('recordEvaluation'),
      actor: actorSchema,
      year: z
        .int({ error: 'L’année évaluée (« year ») est obligatoire : un nombre entier, par exemple 2025.' })
        .min(EVALUATION_YEARS.min, {
          error: `L’année évaluée doit être comprise entre ${EVALUATION_YEARS.min} et ${EVALUATION_YEARS.max}.`,
        })
        .max(EVALUATION_YEARS.max, {
          error: `L’année évaluée doit être comprise entre ${EVALUATION_YEARS.min} et ${EVALUATION_YEARS.max}.`,
        }),
      summary: nonEmptyText(MAX_COMMENT, {
        required: 'Le bilan de l’évaluation (« summary ») est obligatoire.',
        tooLong: `Le bilan dépasse ${MAX_COMMENT} caractères : raccourcissez-le.`,
      }),
      indicators: z
        .array(
          z.strictObject({
            label: nonEmptyText(MAX_LABEL),
            value: indicatorValue(),
            target: indicatorValue().optional(),
            unit: nonEmptyText(40).optional(),
          }),
        )
        .max(MAX_INDICATORS)
        .optional(),
    },
    { error: objectError },
  ),
  close: z.strictObject(
    {
      kind: z.literal('close'),
      actor: actorSchema,
      reason: nonEmptyText(MAX_REASON, {
        required: 'Dites pourquoi la fiche est clôturée (« reason ») : le motif est obligatoire.',
        tooLong: `Le motif dépasse ${MAX_REASON} caractères : raccourcissez-le.`,
      }),
    },
    { error: objectError },
  ),
} as const satisfies Record<ActionKind, z.ZodType>;

/** Any action, told apart by `kind`. */
export const actionSchema: z.ZodType<Action, unknown> = z.discriminatedUnion(
  'kind',
  [
    actionSchemas.submit,
    actionSchemas.recordAvis,
    actionSchemas.recordPartnerOpinion,
    actionSchemas.recordCopilDecision,
    actionSchemas.recordBureauValidation,
    actionSchemas.requestAmendment,
    actionSchemas.withdraw,
    actionSchemas.recordEvaluation,
    actionSchemas.close,
  ],
  {
    error: (issue) => {
      if (issue.code === 'invalid_union')
        return `« kind » doit nommer l’action, l’une de : ${ACTION_KINDS.join(', ')}.`;
      if (issue.code === 'invalid_type') return 'L’action doit être un objet JSON.';
      return undefined;
    },
  },
);

/** Checks raw input (an update's argument, a request body); returns the normalised action or throws INVALID_INPUT. */
export function parseAction(input: unknown): Action {
  return parseInput(actionSchema, input, { what: 'l’action' });
}

/** A new fiche: its first version, in brouillon with the GTT. */
export function initialState(): LifecycleState {
  return {
    stage: 'brouillon',
    versionInForce: null,
    latestVersion: 1,
    review: newReview(1),
    evaluations: [],
    history: [],
  };
}

export function isTerminal(stage: Stage): stage is TerminalStage {
  return (TERMINAL_STAGES as readonly Stage[]).includes(stage);
}

/** Whether the fiche's stage admits this kind of action, whoever asks and whatever the input. */
function stageAdmits(state: LifecycleState, kind: ActionKind): boolean {
  const review = state.review;
  switch (kind) {
    case 'submit':
      return review?.stage === 'brouillon';
    case 'recordAvis':
      return review?.stage === 'soumise';
    case 'recordPartnerOpinion':
    case 'recordCopilDecision':
      return review?.stage === 'attente_copil';
    case 'recordBureauValidation':
      return review?.stage === 'attente_bureau';
    case 'withdraw':
      return review !== null;
    case 'recordEvaluation':
      return state.stage === 'en_oeuvre';
    case 'requestAmendment':
    case 'close':
      return state.stage === 'en_oeuvre' && review === null;
  }
}

function missingPartnerOpinions(review: VersionReview): Partner[] {
  return PARTNERS.filter((partner) => review.partnerOpinions[partner] === undefined);
}

/**
 * The kinds of action someone may take now under `charter`: the stage admits it, someone may hold
 * the role, and its preconditions hold (the COPIL decides once both partner opinions are in). For
 * buttons and menus; `check` still refuses a particular actor or input, e.g. an évaluation for a
 * year already evaluated or still to come.
 */
export function allowedActions(state: LifecycleState, charter: Charter = REFERENCE_CHARTER): ActionKind[] {
  return ACTION_KINDS.filter((kind) => {
    if (!stageAdmits(state, kind)) return false;
    if (isDecision(kind) && charter.decisionRecorders[DECIDING_INSTANCE[kind]] === undefined) return false;
    if (kind === 'recordCopilDecision' && missingPartnerOpinions(state.review!).length > 0) return false;
    return true;
  });
}

/**
 * Refuses an action the state, the actor's role or the input does not allow, with a French
 * message saying what to do: INVALID_INPUT (the action is malformed, or an évaluation's year is
 * taken or to come), WRONG_STAGE, ROLE_NOT_ALLOWED, PARTNER_OPINIONS_MISSING. Returns normally when
 * {@link apply} may proceed. `now` is an ISO instant (the workflow's clock).
 */
export function check(state: LifecycleState, action: Action, charter: Charter, now: string): void {
  const parsed = parseAction(action);
  if (!stageAdmits(state, parsed.kind)) throw new DomainError('WRONG_STAGE', wrongStageMessage(state, parsed.kind));
  assertRole(parsed, charter);
  const review = state.review;
  if (parsed.kind === 'recordCopilDecision' && review) {
    const missing = missingPartnerOpinions(review);
    if (missing.length > 0) {
      const which =
        missing.length === 2
          ? 'ils manquent tous deux : faites-les'
          : `celui de la ${PARTNER_LABELS[missing[0]!]} manque : faites-le`;
      throw new DomainError(
        'PARTNER_OPINIONS_MISSING',
        `Le COPIL statue sur la version ${review.version} au vu des avis de la CAF et de la MSA, et ${which} ` +
          'enregistrer d’abord ; la fiche reste en attente du COPIL.',
        'partnerOpinions',
      );
    }
  }
  if (parsed.kind === 'recordEvaluation') {
    const thisYear = Number(now.slice(0, 4));
    if (parsed.year > thisYear) {
      throw new DomainError(
        'INVALID_INPUT',
        `L’année ${parsed.year} n’a pas commencé : une évaluation porte sur une année en cours ou passée (${thisYear} au plus).`,
        'year',
      );
    }
    if (state.evaluations.some((evaluation) => evaluation.year === parsed.year)) {
      throw new DomainError(
        'INVALID_INPUT',
        `L’évaluation de ${parsed.year} est déjà enregistrée : une seule par année ; indiquez une autre année.`,
        'year',
      );
    }
  }
}

const COOPERATOR_VERBS: Record<string, string> = {
  submit: 'soumettre une fiche',
  requestAmendment: 'demander un avenant',
  withdraw: 'retirer une fiche',
  recordEvaluation: 'enregistrer une évaluation',
  close: 'clôturer une fiche',
};

const DECISION_NAMES: Record<DecisionKind, string> = {
  recordAvis: 'l’avis du COTECH',
  recordCopilDecision: 'la décision du COPIL',
  recordBureauValidation: 'la validation du Bureau communautaire',
};

const OF_INSTANCE: Record<DecisionKind, string> = {
  recordAvis: 'du COTECH',
  recordCopilDecision: 'du COPIL',
  recordBureauValidation: 'du Bureau communautaire',
};

function assertRole(action: Action, charter: Charter): void {
  const { actor, kind } = action;
  const admin = actor.appRole === 'admin';
  if (COOPERATOR_ACTIONS.includes(kind)) {
    if (admin || actor.appRole === 'cooperateur') return;
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul un coopérateur (ou un administrateur) peut ${COOPERATOR_VERBS[kind]} : demandez-le à l’un d’eux.`,
      'actor.appRole',
    );
  }
  if (isDecision(kind)) {
    const instanceKind = DECIDING_INSTANCE[kind];
    if (mayRecordDecision(charter, instanceKind, actor.instanceRoles[instanceKind] ?? [], admin)) return;
    const recorders = charter.decisionRecorders[instanceKind];
    const field = `actor.instanceRoles.${instanceKind}`;
    if (recorders === undefined) {
      throw new DomainError(
        'ROLE_NOT_ALLOWED',
        `La charte de la convention ne fait enregistrer aucune décision au ${INSTANCE_KIND_LABELS[instanceKind]} : ` +
          `pour y enregistrer ${DECISION_NAMES[kind]}, un administrateur doit d’abord compléter la charte (« decisionRecorders »).`,
        field,
      );
    }
    const who =
      recorders.length > 0
        ? `un ${recorders.map((role) => MEMBER_ROLE_LABELS[role]).join(' ou un ')} ${OF_INSTANCE[kind]}`
        : 'un administrateur';
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul ${who}${recorders.length > 0 ? ' (ou un administrateur)' : ''} peut enregistrer ${DECISION_NAMES[kind]} : demandez-le à l’un d’eux.`,
      field,
    );
  }
  if (action.kind === 'recordPartnerOpinion') {
    if (admin || actor.structureKind === action.partner) return;
    const label = PARTNER_LABELS[action.partner];
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul un représentant de la ${label} (ou un administrateur) peut enregistrer l’avis de la ${label} : demandez-le à la ${label}.`,
      'actor.structureKind',
    );
  }
}

const REVIEW_PHRASES: Record<ReviewStage, string> = {
  brouillon: 'est en brouillon',
  soumise: 'attend l’avis du COTECH',
  attente_copil: 'attend la décision du COPIL',
  attente_bureau: 'attend la validation du Bureau communautaire',
};

const TERMINAL_PHRASES: Record<TerminalStage, string> = {
  rejetee: 'La fiche a été rejetée par le COPIL',
  refusee: 'La fiche a été refusée par le Bureau communautaire',
  retiree: 'La fiche a été retirée',
  cloturee: 'La fiche est clôturée',
};

/** Where the fiche is, as the start of a French sentence. */
export function describeState(state: LifecycleState): string {
  if (isTerminal(state.stage)) return TERMINAL_PHRASES[state.stage];
  const review = state.review;
  if (state.versionInForce === null)
    return `La version ${review?.version ?? state.latestVersion} de la fiche ${REVIEW_PHRASES[review?.stage ?? 'brouillon']}`;
  const inForce = `La fiche est en œuvre (version ${state.versionInForce} en vigueur)`;
  return review ? `${inForce} et son avenant, version ${review.version}, ${REVIEW_PHRASES[review.stage]}` : inForce;
}

function wrongStageMessage(state: LifecycleState, kind: ActionKind): string {
  if (isTerminal(state.stage)) {
    return `${describeState(state)} : elle n’admet plus aucune action ; pour reprendre le projet, rédigez une nouvelle fiche.`;
  }
  const review = state.review;
  const amendment = state.versionInForce !== null && review !== null;
  const rules: Record<ActionKind, string> = {
    submit: 'seule une version en brouillon peut être soumise',
    recordAvis: 'l’avis du COTECH ne s’enregistre que sur une version soumise',
    recordPartnerOpinion:
      'les avis de la CAF et de la MSA s’enregistrent quand une version attend la décision du COPIL, après l’avis du COTECH',
    recordCopilDecision:
      'la décision du COPIL ne s’enregistre que sur une version qui l’attend, après l’avis du COTECH',
    recordBureauValidation:
      'la validation du Bureau communautaire ne s’enregistre que sur une version adoptée par le COPIL',
    requestAmendment: amendment
      ? 'un seul avenant à la fois : menez celui-ci à son terme ou retirez-le avant d’en demander un autre'
      : 'un avenant ne se demande que sur une fiche validée et en œuvre',
    withdraw: 'une fiche validée ne se retire pas : pour y mettre fin, clôturez-la',
    recordEvaluation: 'les évaluations ne s’enregistrent que sur une fiche validée et en œuvre',
    close: amendment
      ? 'retirez d’abord l’avenant en cours, ou attendez la fin de son examen, puis clôturez la fiche'
      : 'seule une fiche en œuvre peut être clôturée',
  };
  const next = pendingStep(state);
  return `${describeState(state)} : ${rules[kind]}.${next ? ` Prochaine étape : ${next.what}.` : ''}`;
}

/**
 * The body that must act next on the version under review (so the fiche goes on its next meeting's
 * agenda), or null: nothing to decide on a fiche en œuvre without an amendment, nor on a closed one.
 */
export function pendingStep(state: LifecycleState): PendingStep | null {
  const review = state.review;
  if (!review) return null;
  const version = review.version;
  const of = state.versionInForce === null ? `la version ${version}` : `la version ${version} (avenant)`;
  switch (review.stage) {
    case 'brouillon':
      return { instanceKind: 'gtt', version, what: `le GTT rédige ${of} et la soumet` };
    case 'soumise':
      return {
        instanceKind: 'cotech',
        version,
        what: `le COTECH rend son avis (favorable, à retravailler ou défavorable) sur ${of}`,
      };
    case 'attente_copil': {
      const missing = missingPartnerOpinions(review);
      const decide = `le COPIL statue (adoptée, ajournée ou rejetée) sur ${of}`;
      if (missing.length === 0) return { instanceKind: 'copil', version, what: decide };
      const partners = missing.map((partner) => `de la ${PARTNER_LABELS[partner]}`).join(' et ');
      return {
        instanceKind: 'copil',
        version,
        what: `${decide}, une fois enregistré l’avis ${partners}`,
        missingPartnerOpinions: missing,
      };
    }
    case 'attente_bureau':
      return { instanceKind: 'bureau_communautaire', version, what: `le Bureau communautaire valide ou refuse ${of}` };
  }
}

function newReview(version: number, amendmentSummary?: string): VersionReview {
  return {
    version,
    stage: 'brouillon',
    ...(amendmentSummary ? { amendmentSummary } : {}),
    partnerOpinions: {},
    adjournments: 0,
    comments: [],
  };
}

function text(value: string | undefined): { comment?: string } {
  const trimmed = value?.trim();
  return trimmed ? { comment: trimmed } : {};
}

function unchecked(action: Action): never {
  throw new Error(`apply(${action.kind}) on a state check() refuses: call check() first.`);
}

/**
 * The state after `action`, recorded at `now` (ISO instant). Pure: `state` is left as is. Assumes
 * {@link check} accepted the action on this state.
 */
export function apply(state: LifecycleState, action: Action, now: string): LifecycleState {
  const recorded: Recorded = { by: action.actor.email, at: now };
  const review = state.review;
  const reviewed = (version: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
    action: action.kind,
    ...recorded,
    version,
    ...extra,
  });

  /** The version under review moves on; the fiche's stage follows a first version's. */
  const move = (next: VersionReview, entry: HistoryEntry): LifecycleState => ({
    ...state,
    stage: state.versionInForce === null ? next.stage : 'en_oeuvre',
    review: next,
    history: [...state.history, entry],
  });
  /** The version under review is dropped: a first version ends the fiche, an amendment leaves the one in force. */
  const end = (stage: TerminalStage, entry: HistoryEntry): LifecycleState => ({
    ...state,
    stage: state.versionInForce === null ? stage : 'en_oeuvre',
    review: null,
    history: [...state.history, entry],
  });
  const bodyComment = (from: ReviewComment['from'], outcome: string, value: string | undefined): ReviewComment[] => {
    const trimmed = value?.trim();
    return trimmed ? [{ from, outcome, text: trimmed, ...recorded }] : [];
  };

  switch (action.kind) {
    case 'submit':
      if (!review) return unchecked(action);
      return move({ ...review, stage: 'soumise' }, reviewed(review.version));

    case 'recordAvis': {
      if (!review) return unchecked(action);
      const entry = reviewed(review.version, { outcome: action.outcome, ...text(action.comment) });
      const comments = [...review.comments, ...bodyComment('cotech', action.outcome, action.comment)];
      if (action.outcome === 'a_retravailler') {
        const reworked: VersionReview = { ...review, stage: 'brouillon', comments };
        delete reworked.avis;
        return move(reworked, entry);
      }
      return move(
        {
          ...review,
          stage: 'attente_copil',
          avis: { outcome: action.outcome, ...recorded, ...text(action.comment) },
          comments,
        },
        entry,
      );
    }

    case 'recordPartnerOpinion': {
      if (!review) return unchecked(action);
      const opinion: PartnerOpinion = { opinion: action.opinion, ...recorded, ...text(action.comment) };
      return move(
        { ...review, partnerOpinions: { ...review.partnerOpinions, [action.partner]: opinion } },
        reviewed(review.version, { outcome: action.opinion, partner: action.partner, ...text(action.comment) }),
      );
    }

    case 'recordCopilDecision': {
      if (!review) return unchecked(action);
      const entry = reviewed(review.version, { outcome: action.outcome, ...text(action.comment) });
      const comments = [...review.comments, ...bodyComment('copil', action.outcome, action.comment)];
      if (action.outcome === 'rejetee') return end('rejetee', entry);
      if (action.outcome === 'ajournee')
        return move({ ...review, adjournments: review.adjournments + 1, comments }, entry);
      return move({ ...review, stage: 'attente_bureau', comments }, entry);
    }

    case 'recordBureauValidation': {
      if (!review) return unchecked(action);
      const entry = reviewed(review.version, { outcome: action.outcome, ...text(action.comment) });
      if (action.outcome === 'refusee') return end('refusee', entry);
      return {
        ...state,
        stage: 'en_oeuvre',
        versionInForce: review.version,
        review: null,
        history: [...state.history, entry],
      };
    }

    case 'requestAmendment': {
      const version = state.latestVersion + 1;
      return {
        ...state,
        latestVersion: version,
        review: newReview(version, action.summary.trim()),
        history: [...state.history, reviewed(version, text(action.summary))],
      };
    }

    case 'withdraw':
      if (!review) return unchecked(action);
      return end('retiree', reviewed(review.version, text(action.reason)));

    case 'recordEvaluation': {
      if (state.versionInForce === null) return unchecked(action);
      const evaluation: Evaluation = {
        year: action.year,
        version: state.versionInForce,
        summary: action.summary.trim(),
        ...(action.indicators?.length ? { indicators: action.indicators.map(cleanIndicator) } : {}),
        ...recorded,
      };
      return {
        ...state,
        evaluations: [...state.evaluations, evaluation].sort((a, b) => a.year - b.year),
        history: [...state.history, reviewed(state.versionInForce, { year: action.year, ...text(action.summary) })],
      };
    }

    case 'close':
      if (state.versionInForce === null) return unchecked(action);
      return {
        ...state,
        stage: 'cloturee',
        history: [...state.history, reviewed(state.versionInForce, text(action.reason))],
      };
  }
}

/** Keeps an indicator's defined fields only, so the state stays plain JSON. */
function cleanIndicator(indicator: Indicator): Indicator {
  return {
    label: indicator.label,
    value: indicator.value,
    ...(indicator.target !== undefined ? { target: indicator.target } : {}),
    ...(indicator.unit !== undefined ? { unit: indicator.unit } : {}),
  };
}
