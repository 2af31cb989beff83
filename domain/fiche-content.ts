import { z } from 'zod';
import { DomainError } from './errors.js';
import type { Actor, LifecycleState } from './lifecycle/model.js';
import { email, nonEmptyText, parseInput, shareable, text } from './validation.js';

/**
 * What a fiche action says (the content of one of its versions), as people write it: the enjeu and
 * objectives by their codes, the pilot by e-mail, partners by their structure's slug. The lifecycle
 * (domain/lifecycle/) says when a version may still change; this module says how and by whom.
 */
export interface BudgetLine {
  label: string;
  /** Euros. */
  amount: number;
  financeur?: string;
}

export interface IndicatorTarget {
  label: string;
  target?: number | string;
  unit?: string;
}

export interface FicheContent {
  title: string;
  enjeu: string | null;
  objectifs: string[];
  pilote: string | null;
  partenaires: string[];
  publicVise: string | null;
  secteur: string | null;
  calendrier: string | null;
  budget: BudgetLine[];
  indicateurs: IndicatorTarget[];
}

export type FicheField = keyof FicheContent;

/** In the order a fiche action reads. */
export const FICHE_FIELD_LABELS: Record<FicheField, string> = {
  title: 'Titre',
  enjeu: 'Enjeu',
  objectifs: 'Objectifs',
  pilote: 'Pilote',
  partenaires: 'Partenaires',
  publicVise: 'Public visé',
  secteur: 'Territoire / secteur',
  calendrier: 'Calendrier',
  budget: 'Budget et financeurs',
  indicateurs: 'Indicateurs d’évaluation',
};

const FICHE_FIELDS = Object.keys(FICHE_FIELD_LABELS) as FicheField[];

const MAX_TEXT = 4000;
const code = nonEmptyText(64);
const optionalText = (label: string) =>
  text(MAX_TEXT, { multiline: true, tooLong: `${label} dépasse ${MAX_TEXT} caractères : raccourcissez-le.` })
    .nullable()
    .transform((text) => (text === '' ? null : text));

const budgetLine = z.strictObject({
  label: nonEmptyText(200, { required: 'Chaque ligne de budget a un libellé.' }),
  amount: z
    .number({ error: 'Le montant d’une ligne de budget est un nombre d’euros.' })
    .finite()
    .nonnegative({ error: 'Un montant de budget ne peut pas être négatif.' }),
  financeur: nonEmptyText(200).optional(),
});

const indicator = z.strictObject({
  label: nonEmptyText(200, { required: 'Chaque indicateur a un libellé.' }),
  target: z.union([z.number().finite(), nonEmptyText(200)]).optional(),
  unit: nonEmptyText(50).optional(),
});

export const contentEditSchema = shareable(
  z
    .strictObject(
      {
        title: nonEmptyText(200, {
          required: 'Le titre de la fiche ne peut pas être vide.',
          tooLong: 'Le titre dépasse 200 caractères : raccourcissez-le.',
        }),
        enjeu: code.nullable(),
        objectifs: z.array(code).max(20),
        pilote: email().nullable(),
        partenaires: z.array(code).max(50),
        publicVise: optionalText('Le public visé'),
        secteur: optionalText('Le territoire'),
        calendrier: optionalText('Le calendrier'),
        budget: z.array(budgetLine).max(100),
        indicateurs: z.array(indicator).max(50),
      },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys'
            ? `Champ inconnu : ${issue.keys.join(', ')}. Les champs d’une fiche sont : ${FICHE_FIELDS.join(', ')}.`
            : undefined,
      },
    )
    .partial()
    .refine((edit) => Object.keys(edit).length > 0, {
      error: `Rien à modifier : envoyez au moins un des champs ${FICHE_FIELDS.join(', ')}.`,
    }),
);

export type FicheContentEdit = Partial<FicheContent>;

/** Checks an edit's fields (any subset of the content; `null` or `''` clears a text). */
export function parseContentEdit(input: unknown): FicheContentEdit {
  return parseInput(contentEditSchema(), input, { what: 'la modification de la fiche' }) as FicheContentEdit;
}

/** The version a person may still change: the draft of a new fiche, or of an amendment. */
export function editableVersion(lifecycle: LifecycleState): number | null {
  if (lifecycle.stage === 'brouillon') return lifecycle.latestVersion;
  if (lifecycle.review?.stage === 'brouillon') return lifecycle.review.version;
  return null;
}

/**
 * Who may write a draft: its author, its pilot, a coopérateur (who runs the CTG) or an admin. A
 * version under review is frozen: what the bodies decide on must be what they read.
 */
export function assertMayEditContent(
  actor: Actor,
  fiche: { authorEmail: string; piloteEmail: string | null; lifecycle: LifecycleState },
): number {
  const version = editableVersion(fiche.lifecycle);
  if (version === null) {
    throw new DomainError(
      'WRONG_STAGE',
      fiche.lifecycle.stage === 'en_oeuvre' && !fiche.lifecycle.review
        ? 'La fiche est validée : pour la changer, demandez un avenant ' +
            '(action « requestAmendment »), puis modifiez son brouillon.'
        : 'La fiche est en cours d’examen : son contenu ne change plus jusqu’à la ' +
            'décision. S’il faut la retravailler, l’instance la renvoie au brouillon.',
    );
  }
  const who = actor.email.toLowerCase();
  if (
    actor.appRole === 'admin' ||
    actor.appRole === 'cooperateur' ||
    who === fiche.authorEmail.toLowerCase() ||
    who === fiche.piloteEmail?.toLowerCase()
  )
    return version;
  throw new DomainError(
    'ROLE_NOT_ALLOWED',
    'Seuls l’auteur de la fiche, son pilote, un coopérateur ou un administrateur peuvent modifier son brouillon.',
  );
}

/** The content once the edit is applied: the fields it does not name stay as they were. */
export function applyContentEdit(current: FicheContent, edit: FicheContentEdit): FicheContent {
  return { ...current, ...edit };
}

/** One field that differs between two versions, written for people. */
export interface FieldChange {
  field: FicheField;
  label: string;
  before: string;
  after: string;
}

const EMPTY = '—';

function euros(amount: number): string {
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }).format(amount)} €`;
}

/** A field's value as one line of text, the same way for every version, so texts compare. */
export function describeField(content: FicheContent, field: FicheField): string {
  switch (field) {
    case 'objectifs':
    case 'partenaires':
      return content[field].length > 0 ? content[field].join(', ') : EMPTY;
    case 'budget':
      return content.budget.length > 0
        ? content.budget
            .map((line) => `${line.label} : ${euros(line.amount)}${line.financeur ? ` (${line.financeur})` : ''}`)
            .join(' ; ')
        : EMPTY;
    case 'indicateurs':
      return content.indicateurs.length > 0
        ? content.indicateurs
            .map(
              (i) =>
                `${i.label}` +
                `${
                  i.target !== undefined
                    ? ` — cible ${i.target}${i.unit ? ` ${i.unit}` : ''}`
                    : i.unit
                      ? ` (${i.unit})`
                      : ''
                }`,
            )
            .join(' ; ')
        : EMPTY;
    default:
      return content[field] ?? EMPTY;
  }
}

/** What changed from one version to the next, field by field, in the fiche's order. */
export function diffContents(before: FicheContent, after: FicheContent): FieldChange[] {
  return FICHE_FIELDS.flatMap((field) => {
    const [was, is] = [describeField(before, field), describeField(after, field)];
    return was === is ? [] : [{ field, label: FICHE_FIELD_LABELS[field], before: was, after: is }];
  });
}

/**
 * What a version's draft edits changed after an instant (when a body last decided on it), one line
 * per field: as the body saw it, as it is now; a field changed and changed back is left out.
 */
export function changesSince(
  edits: ReadonlyArray<{ at: string; version: number; changes: readonly FieldChange[] }>,
  version: number,
  since: string,
): FieldChange[] {
  const byField = new Map<FicheField, FieldChange>();
  for (const edit of edits) {
    if (edit.version !== version || edit.at <= since) continue;
    for (const change of edit.changes)
      byField.set(change.field, { ...change, before: byField.get(change.field)?.before ?? change.before });
  }
  return FICHE_FIELDS.flatMap((field) => {
    const change = byField.get(field);
    return change && change.before !== change.after ? [change] : [];
  });
}
