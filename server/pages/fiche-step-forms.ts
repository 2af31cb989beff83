import {
  AVIS_LABELS,
  BUREAU_OUTCOME_LABELS,
  COPIL_OUTCOME_LABELS,
  PARTNER_LABELS,
  PARTNER_OPINION_LABELS,
} from '../../domain/lifecycle/labels.js';
import type { FieldIssue } from '../../domain/errors.js';
import type { IndicatorTarget } from '../../domain/fiche-content.js';
import type { AgendaEntry } from '../../domain/fiche-views.js';
import type { OpenStep } from '../../domain/lifecycle/reader-steps.js';
import { DECIDING_INSTANCE, isDecision } from '../../domain/lifecycle/roles.js';
import { PARTNERS, type ActionKind, type Partner } from '../../domain/lifecycle/vocabulary.js';
import { csrfField, escapeHtml, type PageViewer } from './layout.js';
import { frenchNumber, frenchText, type FormValues } from './fiche-content-form.js';
import { frenchInstant } from './format.js';

/**
 * A form per lifecycle step its reader may take: the outcome to choose and the comment or reason
 * the step asks for, posted to `/fiches/:id/etapes/:kind`; its input goes to the same update as the
 * API's, which checks it.
 */

interface StepForm {
  title: (partner?: Partner) => string;
  button: (partner?: Partner) => string;
  /** Said once the step is taken. */
  done: string;
  /** The choice of an outcome, when the step has one: its field and its labels. */
  choice?: { field: 'outcome' | 'opinion'; legend: (partner?: Partner) => string; labels: Record<string, string> };
  /** The text the step takes: an optional comment, or a summary or reason it requires. */
  text?: { field: 'comment' | 'summary' | 'reason'; label: string };
  year?: boolean;
  /** The values measured of the fiche's indicators, and of others. */
  indicators?: boolean;
}

const COMMENT = { field: 'comment', label: 'Commentaire (obligatoire pour un avis ou une décision négatifs)' } as const;

export const STEP_FORMS: Record<ActionKind, StepForm> = {
  submit: {
    title: () => 'Soumettre',
    button: () => 'Soumettre la fiche au COTECH',
    done: 'La fiche est soumise au COTECH.',
  },
  recordAvis: {
    title: () => 'Avis du COTECH',
    button: () => 'Enregistrer l’avis du COTECH',
    done: 'L’avis du COTECH est enregistré.',
    choice: { field: 'outcome', legend: () => 'Avis du COTECH', labels: AVIS_LABELS },
    text: COMMENT,
  },
  recordPartnerOpinion: {
    title: (partner) => `Avis de la ${PARTNER_LABELS[partner ?? 'caf']}`,
    button: (partner) => `Enregistrer l’avis de la ${PARTNER_LABELS[partner ?? 'caf']}`,
    done: 'L’avis du partenaire est enregistré.',
    choice: {
      field: 'opinion',
      legend: (partner) => `Avis de la ${PARTNER_LABELS[partner ?? 'caf']}`,
      labels: PARTNER_OPINION_LABELS,
    },
    text: COMMENT,
  },
  recordCopilDecision: {
    title: () => 'Décision du COPIL',
    button: () => 'Enregistrer la décision du COPIL',
    done: 'La décision du COPIL est enregistrée.',
    choice: { field: 'outcome', legend: () => 'Décision du COPIL', labels: COPIL_OUTCOME_LABELS },
    text: COMMENT,
  },
  recordBureauValidation: {
    title: () => 'Décision du Bureau communautaire',
    button: () => 'Enregistrer la décision du Bureau',
    done: 'La décision du Bureau communautaire est enregistrée.',
    choice: { field: 'outcome', legend: () => 'Décision du Bureau communautaire', labels: BUREAU_OUTCOME_LABELS },
    text: COMMENT,
  },
  requestAmendment: {
    title: () => 'Demander un avenant',
    button: () => 'Demander un avenant',
    done: 'L’avenant est ouvert : son brouillon est à rédiger.',
    text: { field: 'summary', label: 'Ce que l’avenant change' },
  },
  withdraw: {
    title: () => 'Retirer la fiche',
    button: () => 'Retirer la fiche',
    done: 'La fiche est retirée.',
    text: { field: 'reason', label: 'Motif du retrait' },
  },
  recordEvaluation: {
    title: () => 'Évaluation annuelle',
    button: () => 'Enregistrer l’évaluation',
    done: 'L’évaluation est enregistrée.',
    text: { field: 'summary', label: 'Bilan de l’année' },
    year: true,
    indicators: true,
  },
  close: {
    title: () => 'Clôturer la fiche',
    button: () => 'Clôturer la fiche',
    done: 'La fiche est clôturée.',
    text: { field: 'reason', label: 'Motif de la clôture' },
  },
};

/**
 * The update's input a posted step form stands for (who acts is added by the route, from the
 * session), and how to put each issue back on the field it came from: the indicators' rows left
 * empty are left out of the input, so its rows are renumbered.
 */
export function stepInputFromForm(
  kind: ActionKind,
  values: FormValues,
): { input: Record<string, unknown>; fieldOf(issue: FieldIssue): string } {
  const form = STEP_FORMS[kind];
  const input: Record<string, unknown> = {};
  if (kind === 'recordPartnerOpinion') input.partner = values.partner ?? '';
  if (form.choice && values[form.choice.field]) input[form.choice.field] = values[form.choice.field];
  // An empty optional comment is no comment; a required text is checked, so its absence is told.
  if (form.text && (values[form.text.field]?.trim() || form.text.field !== 'comment'))
    input[form.text.field] = values[form.text.field] ?? '';
  if (form.year) input.year = /^\d+$/.test(values.year ?? '') ? Number(values.year) : values.year;
  const rows = form.indicators ? indicatorRows(values) : [];
  if (rows.length > 0) input.indicators = rows.map((row) => indicatorOf(values, row));
  return {
    input,
    fieldOf(issue) {
      const [, index, part] = /^indicators\.(\d+)\.(\w+)$/.exec(issue.field) ?? [];
      const row = rows[Number(index)];
      return row !== undefined && part ? `indicators.${row}.${part}` : issue.field;
    },
  };
}

/**
 * The indicators' rows of a posted evaluation with something measured or named in them. A row of
 * the fiche's indicators carries its label in a hidden `planned` field, and its target prefilled:
 * it counts once its value is written.
 */
function indicatorRows(values: FormValues): number[] {
  const rows = new Set<number>();
  for (const name of Object.keys(values)) {
    const row = /^indicators\.(\d+)\./.exec(name)?.[1];
    if (row === undefined || Number(row) >= 1000) continue;
    const written = (part: string) => Boolean(values[`indicators.${row}.${part}`]?.trim());
    if (written('value') || written('label') || (!written('planned') && written('target'))) rows.add(Number(row));
  }
  return [...rows].sort((a, b) => a - b);
}

function indicatorOf(values: FormValues, row: number): Record<string, unknown> {
  const text = (part: string) => values[`indicators.${row}.${part}`] ?? '';
  return {
    label: text('planned') || text('label'),
    value: frenchNumber(text('value')),
    ...(text('target').trim() ? { target: frenchNumber(text('target')) } : {}),
    ...(text('unit').trim() ? { unit: text('unit') } : {}),
  };
}

/** A posted partner's value, when it is one. */
export const partnerOf = (value: string | undefined): Partner | undefined =>
  (PARTNERS as readonly string[]).includes(value ?? '') ? (value as Partner) : undefined;

/** What a refused step form shows again: the step, what was typed, the refusal and each field's error. */
export interface StepFailure {
  step: OpenStep;
  values: FormValues;
  message: string;
  errors: Readonly<Record<string, string>>;
}

const sameStep = (a: OpenStep, b: OpenStep) => a.kind === b.kind && a.partner === b.partner;

/** Where a body's decision is taken: the meeting the fiche is on the agenda of, from its start. */
function meetingNote(kind: ActionKind, agenda: AgendaEntry | null): string {
  if (!isDecision(kind)) return '';
  if (agenda && agenda.instanceKind === DECIDING_INSTANCE[kind])
    return (
      `<p>La décision se prend en séance : à enregistrer pendant « <a href="/reunions/` +
      `${encodeURIComponent(agenda.meetingId)}">${escapeHtml(agenda.title)}</a> », à partir du ` +
      `${escapeHtml(frenchInstant(agenda.startsAt))}.</p>`
    );
  return (
    '<p>La décision se prend en séance, et la fiche n’est encore inscrite à l’ordre du jour ' +
    'd’aucune réunion de cette instance.</p>'
  );
}

/** Empty rows offered after the fiche's indicators, for others measured. */
const SPARE_INDICATORS = 2;

/**
 * The rows of an evaluation's indicators: one per indicator of the fiche in force (its label, its
 * value, its target prefilled), then empty ones; `posted` is what a refused form had.
 */
function indicatorRowsHtml(
  planned: readonly IndicatorTarget[],
  posted: FormValues | null,
  input: (field: string, label: string, value: string) => string,
): string {
  const row = (legend: string, fields: string) =>
    `<fieldset><legend>${escapeHtml(legend)}</legend>${fields}</fieldset>`;
  const value = (i: number, part: string, initial = '') => posted?.[`indicators.${i}.${part}`] ?? initial;
  const measured = (i: number, target: string) =>
    input(`indicators.${i}.value`, 'Valeur', value(i, 'value')) +
    input(`indicators.${i}.target`, 'Cible', value(i, 'target', target));
  return [
    '<h4>Indicateurs</h4>',
    '<p>Une valeur est un nombre ou un texte court ; une ligne sans valeur est ignorée.</p>',
    ...planned.map((indicator, i) =>
      row(
        indicator.unit ? `${indicator.label} (${indicator.unit})` : indicator.label,
        `<input type="hidden" name="indicators.${i}.planned" value="${escapeHtml(indicator.label)}">` +
          (indicator.unit
            ? `<input type="hidden" name="indicators.${i}.unit" value="${escapeHtml(indicator.unit)}">`
            : '') +
          measured(i, indicator.target === undefined ? '' : frenchText(indicator.target)),
      ),
    ),
    ...Array.from({ length: SPARE_INDICATORS }, (_, spare) => {
      const i = planned.length + spare;
      return row(
        `Autre indicateur ${spare + 1}`,
        input(`indicators.${i}.label`, 'Nom de l’indicateur', value(i, 'label')) + measured(i, ''),
      );
    }),
  ].join('');
}

/**
 * Where a step form is shown apart from its fiche's page (the séance's page): where it posts, and a
 * prefix that keeps its ids apart from the other fiches' on the page; the meeting is not named again.
 */
export interface StepFormPlace {
  action: (step: OpenStep) => string;
  idPrefix: string;
}

function stepForm(
  ficheId: string,
  step: OpenStep,
  planned: readonly IndicatorTarget[],
  agenda: AgendaEntry | null,
  failure: StepFailure | null,
  viewer: PageViewer | null,
  place?: StepFormPlace,
): string {
  const form = STEP_FORMS[step.kind];
  const id = `${place?.idPrefix ?? ''}etape-${step.kind}${step.partner ? `-${step.partner}` : ''}`;
  const mine = failure && sameStep(failure.step, step) ? failure : null;
  const values = mine?.values ?? {};
  const fieldId = (field: string) => `${id}-${field.replace(/\./g, '-')}`;
  const error = (field: string) =>
    mine?.errors[field] ? `<p class="error" id="${fieldId(field)}-err">${escapeHtml(mine.errors[field])}</p>` : '';
  const described = (field: string) =>
    mine?.errors[field] ? ` aria-invalid="true" aria-describedby="${fieldId(field)}-err"` : '';
  const input = (field: string, label: string, value: string) =>
    `<label for="${fieldId(field)}">${escapeHtml(label)}</label><input type="text" id="${fieldId(field)}" ` +
    `name="${field}" value="${escapeHtml(value)}"${described(field)}>${error(field)}`;
  const parts = [
    `<section aria-labelledby="${id}-h"><h3 id="${id}-h">${escapeHtml(form.title(step.partner))}</h3>`,
    place ? '' : meetingNote(step.kind, agenda),
    `<form method="post" action="${
      place ? escapeHtml(place.action(step)) : `/fiches/${encodeURIComponent(ficheId)}/etapes/${step.kind}`
    }">`,
    csrfField(viewer),
    mine ? `<div class="alert failed" role="alert">${escapeHtml(mine.message)}</div>` : '',
    step.partner ? `<input type="hidden" name="partner" value="${step.partner}">` : '',
  ];
  if (form.choice) {
    const { field, labels } = form.choice;
    parts.push(
      `<fieldset${mine?.errors[field] ? ` aria-describedby="${id}-${field}-err"` : ''}>`,
      `<legend>${escapeHtml(form.choice.legend(step.partner))}</legend>${error(field)}`,
      Object.entries(labels)
        .map(
          ([value, label]) =>
            `<div><input type="radio" id="${id}-${value}" name="${field}" value="${value}"` +
            `${values[field] === value ? ' checked' : ''}> <label class="inline" for="${id}-${value}">` +
            `${escapeHtml(label)}</label></div>`,
        )
        .join(''),
      '</fieldset>',
    );
  }
  if (form.year) {
    parts.push(
      `<label for="${id}-year">Année évaluée</label>`,
      `<input type="text" inputmode="numeric" id="${id}-year" name="year" value="${escapeHtml(values.year ?? '')}"` +
        `${described('year')}>${error('year')}`,
    );
  }
  if (form.indicators) parts.push(indicatorRowsHtml(planned, mine ? values : null, input));
  if (form.text) {
    const { field, label } = form.text;
    parts.push(
      `<label for="${id}-${field}">${escapeHtml(label)}</label>`,
      `<textarea id="${id}-${field}" name="${field}" rows="3"${described(field)}>${escapeHtml(values[field] ?? '')}` +
        `</textarea>${error(field)}`,
    );
  }
  parts.push(`<button type="submit">${escapeHtml(form.button(step.partner))}</button></form></section>`);
  return parts.join('');
}

/** The steps its reader may take, each a form, and what the fiche waits for or that it admits none. */
export function stepForms(
  ficheId: string,
  open: { steps: OpenStep[]; notice: string | null; indicators?: readonly IndicatorTarget[] },
  agenda: AgendaEntry | null,
  failure: StepFailure | null,
  viewer: PageViewer | null,
  place?: StepFormPlace,
): string {
  // A step no longer offered (taken meanwhile, or sent twice): its refusal still shows.
  const orphan = failure && !open.steps.some((step) => sameStep(step, failure.step)) ? failure.message : null;
  return [
    orphan ? `<div class="alert failed" role="alert">${escapeHtml(orphan)}</div>` : '',
    open.notice ? `<p class="waiting">${escapeHtml(open.notice)}</p>` : '',
    open.steps.length === 0 && !open.notice
      ? '<p>Aucune étape ne vous revient sur cette fiche pour l’instant.</p>'
      : '',
    ...open.steps.map((step) => stepForm(ficheId, step, open.indicators ?? [], agenda, failure, viewer, place)),
  ].join('');
}
