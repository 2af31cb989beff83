import { z } from 'zod';
import { INSTANCE_KINDS, MEMBER_ROLES, STRUCTURE_KINDS } from '../charter.js';
import { email, nonEmptyText, parseInput, shareable, text } from '../validation.js';
import type { Action } from './model.js';
import {
  ACTION_KINDS,
  APP_ROLES,
  AVIS_OUTCOMES,
  BUREAU_OUTCOMES,
  COPIL_OUTCOMES,
  EVALUATION_YEARS,
  PARTNERS,
  PARTNER_OPINIONS,
  type ActionKind,
} from './vocabulary.js';

const MAX_COMMENT = 5000;
const MAX_REASON = 2000;
const MAX_LABEL = 200;
const MAX_INDICATORS = 50;

const enumOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} doit être l’une des valeurs : ${values.join(', ')}.` });

export const actorSchema = shareable(
  z.strictObject(
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
  ),
);

/** Input that names only who acts: closing a poll, sending a relevé de décisions. */
export const actorOnlySchema = shareable(z.strictObject({ actor: actorSchema() }));

const comment = () =>
  text(MAX_COMMENT, {
    multiline: true,
    required: `Le commentaire doit être un texte de ${MAX_COMMENT} caractères au plus.`,
    tooLong: `Le commentaire dépasse ${MAX_COMMENT} caractères : raccourcissez-le.`,
  }).optional();

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
  z.union(
    [
      z.number(),
      nonEmptyText(MAX_LABEL, {
        required: 'Une valeur d’indicateur est un nombre ou un texte court : indiquez-la.',
        tooLong:
          'Une valeur d’indicateur est un nombre ou un texte ' +
          `de ${MAX_LABEL} caractères au plus : raccourcissez-la.`,
      }),
    ],
    { error: 'Une valeur d’indicateur est un nombre ou un texte court.' },
  );

/**
 * The schema of each kind of action: raw input in, a normalised {@link Action} out (texts trimmed, e-mail lower-cased).
 */
export const actionSchemas = shareable({
  submit: z.strictObject({ kind: z.literal('submit'), actor: actorSchema() }, { error: objectError }),
  recordAvis: z
    .strictObject(
      {
        kind: z.literal('recordAvis'),
        actor: actorSchema(),
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
        actor: actorSchema(),
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
        actor: actorSchema(),
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
        actor: actorSchema(),
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
      actor: actorSchema(),
      summary: nonEmptyText(MAX_REASON, {
        multiline: true,
        required: 'Dites ce que l’avenant change (« summary ») : il est obligatoire.',
        tooLong: `Le résumé de l’avenant dépasse ${MAX_REASON} caractères : raccourcissez-le.`,
      }),
    },
    { error: objectError },
  ),
  withdraw: z.strictObject(
    {
      kind: z.literal('withdraw'),
      actor: actorSchema(),
      reason: nonEmptyText(MAX_REASON, {
        multiline: true,
        required: 'Dites pourquoi la fiche est retirée (« reason ») : le motif est obligatoire.',
        tooLong: `Le motif dépasse ${MAX_REASON} caractères : raccourcissez-le.`,
      }),
    },
    { error: objectError },
  ),
  recordEvaluation: z.strictObject(
    {
      kind: z.literal('recordEvaluation'),
      actor: actorSchema(),
      year: z
        .int({ error: 'L’année évaluée (« year ») est obligatoire : un nombre entier, par exemple 2025.' })
        .min(EVALUATION_YEARS.min, {
          error: `L’année évaluée doit être comprise entre ${EVALUATION_YEARS.min} et ${EVALUATION_YEARS.max}.`,
        })
        .max(EVALUATION_YEARS.max, {
          error: `L’année évaluée doit être comprise entre ${EVALUATION_YEARS.min} et ${EVALUATION_YEARS.max}.`,
        }),
      summary: nonEmptyText(MAX_COMMENT, {
        multiline: true,
        required: 'Le bilan de l’évaluation (« summary ») est obligatoire.',
        tooLong: `Le bilan dépasse ${MAX_COMMENT} caractères : raccourcissez-le.`,
      }),
      indicators: z
        .array(
          z.strictObject({
            label: nonEmptyText(MAX_LABEL, { required: 'Chaque indicateur mesuré a un nom.' }),
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
      actor: actorSchema(),
      reason: nonEmptyText(MAX_REASON, {
        multiline: true,
        required: 'Dites pourquoi la fiche est clôturée (« reason ») : le motif est obligatoire.',
        tooLong: `Le motif dépasse ${MAX_REASON} caractères : raccourcissez-le.`,
      }),
    },
    { error: objectError },
  ),
} as const satisfies Record<ActionKind, z.ZodType>);

/** Any action, told apart by `kind`. */
const actionSchema: z.ZodType<Action, unknown> = z.discriminatedUnion(
  'kind',
  [
    actionSchemas().submit,
    actionSchemas().recordAvis,
    actionSchemas().recordPartnerOpinion,
    actionSchemas().recordCopilDecision,
    actionSchemas().recordBureauValidation,
    actionSchemas().requestAmendment,
    actionSchemas().withdraw,
    actionSchemas().recordEvaluation,
    actionSchemas().close,
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
