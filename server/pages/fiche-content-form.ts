import { FICHE_FIELD_LABELS, type FicheContent } from '../../domain/fiche-content.js';
import type { FieldIssue } from '../../domain/errors.js';
import type { FicheContentChoices } from '../../store/fiches/find-content-choices.js';
import { csrfField, escapeHtml, type PageViewer } from './layout.js';

/**
 * The form of a fiche's whole content, without JavaScript: its fields are named after the edit's
 * paths (`budget.2.amount`), so the schema's issues land beside the input they are about. Lists
 * are numbered fields (`objectifs.3`), since a form's repeated names do not survive its parsing.
 */

/** The form's fields as posted: names to texts. */
export type FormValues = Readonly<Record<string, string>>;

/** Empty rows offered after the budget lines and the indicators there are. */
const SPARE_ROWS = 3;

/** The form's values for a content, as its fields show them. */
export function contentFormValues(content: FicheContent, choices: FicheContentChoices): FormValues {
  const values: Record<string, string> = {
    title: content.title,
    enjeu: content.enjeu ?? '',
    pilote: content.pilote ?? '',
    publicVise: content.publicVise ?? '',
    secteur: content.secteur ?? '',
    calendrier: content.calendrier ?? '',
  };
  objectifChoices(choices).forEach((objectif, i) => {
    if (content.objectifs.includes(objectif.code)) values[`objectifs.${i}`] = objectif.code;
  });
  choices.structures.forEach((structure, i) => {
    if (content.partenaires.includes(structure.slug)) values[`partenaires.${i}`] = structure.slug;
  });
  content.budget.forEach((line, i) => {
    values[`budget.${i}.label`] = line.label;
    values[`budget.${i}.amount`] = frenchText(line.amount);
    values[`budget.${i}.financeur`] = line.financeur ?? '';
  });
  content.indicateurs.forEach((indicator, i) => {
    values[`indicateurs.${i}.label`] = indicator.label;
    values[`indicateurs.${i}.target`] = indicator.target === undefined ? '' : frenchText(indicator.target);
    values[`indicateurs.${i}.unit`] = indicator.unit ?? '';
  });
  return values;
}

const objectifChoices = (choices: FicheContentChoices) => choices.enjeux.flatMap((enjeu) => enjeu.objectifs);

/** The numbered values of a list field, in their order. */
function listed(values: FormValues, field: string): string[] {
  return Object.entries(values)
    .flatMap(([name, value]) => {
      const index = new RegExp(`^${field}\\.(\\d+)$`).exec(name)?.[1];
      return index !== undefined && value !== '' ? [[Number(index), value] as const] : [];
    })
    .sort(([a], [b]) => a - b)
    .map(([, value]) => value);
}

/** The row numbers of a group of fields (`budget.N.label`…) with something written in them, in order. */
function rowsOf(values: FormValues, field: string): number[] {
  const rows = new Set<number>();
  for (const [name, value] of Object.entries(values)) {
    const index = new RegExp(`^${field}\\.(\\d+)\\.`).exec(name)?.[1];
    if (index !== undefined && Number(index) < 1000 && value.trim() !== '') rows.add(Number(index));
  }
  return [...rows].sort((a, b) => a - b);
}

/** A number as a field shows it (1200.5 as « 1200,5 »); a text as it is. */
export const frenchText = (value: number | string) => String(value).replace(/^(-?\d+)\.(\d+)$/, '$1,$2');

/** « 1 200,50 » as 1200.5; anything else stays a text, for the schema to refuse beside its field. */
export function frenchNumber(text: string): number | string {
  const plain = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : text;
}

/**
 * The edit a posted form stands for (the whole content), and how to put each issue of its rows
 * back on the row it came from: empty rows are left out of the edit.
 */
export function editFromForm(values: FormValues): { edit: unknown; fieldOf(issue: FieldIssue): string } {
  const budgetRows = rowsOf(values, 'budget');
  const indicatorRows = rowsOf(values, 'indicateurs');
  const text = (name: string) => values[name] ?? '';
  const optional = (name: string) => (text(name).trim() ? { [name.split('.').at(-1)!]: text(name) } : {});
  const edit = {
    title: text('title'),
    enjeu: text('enjeu') || null,
    objectifs: listed(values, 'objectifs'),
    pilote: text('pilote') || null,
    partenaires: listed(values, 'partenaires'),
    publicVise: text('publicVise'),
    secteur: text('secteur'),
    calendrier: text('calendrier'),
    budget: budgetRows.map((row) => ({
      label: text(`budget.${row}.label`),
      amount: frenchNumber(text(`budget.${row}.amount`)),
      ...optional(`budget.${row}.financeur`),
    })),
    indicateurs: indicatorRows.map((row) => ({
      label: text(`indicateurs.${row}.label`),
      ...(text(`indicateurs.${row}.target`).trim() ? { target: frenchNumber(text(`indicateurs.${row}.target`)) } : {}),
      ...optional(`indicateurs.${row}.unit`),
    })),
  };
  return {
    edit,
    fieldOf(issue) {
      const [field = '', index, part] = issue.field.split('.');
      if (field === 'objectifs' || field === 'partenaires') return field;
      const rows = field === 'budget' ? budgetRows : field === 'indicateurs' ? indicatorRows : null;
      if (rows && index !== undefined && rows[Number(index)] !== undefined)
        return part ? `${field}.${rows[Number(index)]}.${part}` : field;
      return field;
    },
  };
}

/** What the form shows: the values, each field's error, and an error of the whole form. */
export interface ContentFormState {
  values: FormValues;
  errors: Readonly<Record<string, string>>;
  failure?: string;
}

export const idOf = (name: string) => `f-${name.replace(/\./g, '-')}`;

/** An input's label, its error beside it (announced with it), and the attributes that tie them. */
export function field(
  state: ContentFormState,
  name: string,
  label: string,
  control: (attrs: string) => string,
): string {
  const error = state.errors[name];
  const id = idOf(name);
  const invalid = error ? ` aria-invalid="true" aria-describedby="${id}-err"` : '';
  const attrs = `id="${id}" name="${escapeHtml(name)}"${invalid}`;
  return (
    `<div class="field"><label for="${id}">${escapeHtml(label)}</label>${control(attrs)}` +
    (error ? `<p class="error" id="${id}-err">${escapeHtml(error)}</p>` : '') +
    '</div>'
  );
}

export const textInput = (state: ContentFormState, name: string, label: string, extra = '') =>
  field(
    state,
    name,
    label,
    (attrs) => `<input type="text" ${attrs} value="${escapeHtml(state.values[name] ?? '')}"${extra}>`,
  );

const textArea = (state: ContentFormState, name: string, label: string) =>
  field(
    state,
    name,
    label,
    (attrs) => `<textarea ${attrs} rows="3">${escapeHtml(state.values[name] ?? '')}</textarea>`,
  );

export function select(
  state: ContentFormState,
  name: string,
  label: string,
  options: ReadonlyArray<{ value: string; label: string }>,
  none = '— aucun —',
): string {
  const current = state.values[name] ?? '';
  // A value no longer offered (a pilot who left) stays shown, so saving does not drop it unseen.
  const all =
    current && !options.some((o) => o.value === current) ? [...options, { value: current, label: current }] : options;
  return field(
    state,
    name,
    label,
    (attrs) =>
      `<select ${attrs}><option value="">${escapeHtml(none)}</option>${all
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}"${o.value === current ? ' selected' : ''}>${escapeHtml(o.label)}` +
            '</option>',
        )
        .join('')}</select>`,
  );
}

/** A group of checkboxes numbered from `start`, with the group's error under its legend. */
export function checkboxes(
  state: ContentFormState,
  name: string,
  legend: string,
  groups: ReadonlyArray<{ heading?: string; items: ReadonlyArray<{ value: string; label: string }> }>,
): string {
  const error = state.errors[name];
  let index = 0;
  const boxes = groups.map((group) => {
    const items = group.items.map((item) => {
      const key = `${name}.${index++}`;
      const checked = state.values[key] === item.value ? ' checked' : '';
      return (
        `<li><input type="checkbox" id="${idOf(key)}" name="${key}" value="${escapeHtml(item.value)}"${checked}>` +
        ` <label class="inline" for="${idOf(key)}">${escapeHtml(item.label)}</label></li>`
      );
    });
    const heading = group.heading ? `<p class="muted">${escapeHtml(group.heading)}</p>` : '';
    return `${heading}<ul class="choices">${items.join('')}</ul>`;
  });
  return (
    `<fieldset${error ? ` aria-describedby="${idOf(name)}-err"` : ''}><legend>${escapeHtml(legend)}</legend>` +
    (error ? `<p class="error" id="${idOf(name)}-err">${escapeHtml(error)}</p>` : '') +
    `${boxes.join('')}</fieldset>`
  );
}

/** Rows of a list of objects: those filled, then a few empty ones. */
function rows(
  state: ContentFormState,
  name: string,
  legend: (n: number) => string,
  cells: (row: number, n: number) => string[],
) {
  const used = rowsOf(state.values, name);
  const next = used.length > 0 ? Math.max(...used) + 1 : 0;
  const all = [...used, ...Array.from({ length: SPARE_ROWS }, (_, i) => next + i)];
  return all
    .map(
      (row, i) =>
        `<fieldset class="row"><legend>${escapeHtml(legend(i + 1))}</legend>${cells(row, i + 1).join('')}</fieldset>`,
    )
    .join('');
}

/** The content's form, filled with `state`'s values, each error beside its field. */
export function contentForm(
  ficheId: string,
  choices: FicheContentChoices,
  state: ContentFormState,
  viewer: PageViewer | null,
): string {
  const errorCount = Object.keys(state.errors).length;
  const summary = state.failure
    ? `<div class="alert failed" role="alert">${escapeHtml(state.failure)}</div>`
    : errorCount > 0
      ? `<div class="alert failed" role="alert">Le contenu n’a pas été enregistré : ${
          errorCount === 1 ? 'un champ est à corriger' : `${errorCount} champs sont à corriger`
        } (voir sous chaque champ).</div>`
      : '';
  const structureNames = choices.structures.map((s) => `<option value="${escapeHtml(s.name)}">`).join('');
  return [
    `<form method="post" action="/fiches/${encodeURIComponent(ficheId)}/contenu" id="contenu-form" novalidate>`,
    csrfField(viewer),
    summary,
    textInput(state, 'title', FICHE_FIELD_LABELS.title, ' maxlength="200"'),
    select(
      state,
      'enjeu',
      FICHE_FIELD_LABELS.enjeu,
      choices.enjeux.map((e) => ({ value: e.code, label: `${e.code} — ${e.title}` })),
    ),
    checkboxes(
      state,
      'objectifs',
      FICHE_FIELD_LABELS.objectifs,
      choices.enjeux.map((e) => ({
        heading: `${e.code} — ${e.title}`,
        items: e.objectifs.map((o) => ({ value: o.code, label: `${o.code} — ${o.title}` })),
      })),
    ),
    select(
      state,
      'pilote',
      FICHE_FIELD_LABELS.pilote,
      choices.members.map((m) => ({ value: m.email, label: `${m.displayName} (${m.email})` })),
    ),
    checkboxes(state, 'partenaires', FICHE_FIELD_LABELS.partenaires, [
      { items: choices.structures.map((s) => ({ value: s.slug, label: s.name })) },
    ]),
    textArea(state, 'publicVise', FICHE_FIELD_LABELS.publicVise),
    textArea(state, 'secteur', FICHE_FIELD_LABELS.secteur),
    textArea(state, 'calendrier', FICHE_FIELD_LABELS.calendrier),
    `<fieldset><legend>${escapeHtml(FICHE_FIELD_LABELS.budget)}</legend>`,
    state.errors.budget ? `<p class="error">${escapeHtml(state.errors.budget)}</p>` : '',
    `<datalist id="financeurs">${structureNames}</datalist>`,
    rows(
      state,
      'budget',
      (n) => `Ligne de budget ${n}`,
      (row, n) => [
        textInput(state, `budget.${row}.label`, `Libellé de la ligne ${n}`),
        textInput(state, `budget.${row}.amount`, `Montant en euros de la ligne ${n}`, ' inputmode="decimal"'),
        textInput(state, `budget.${row}.financeur`, `Financeur de la ligne ${n}`, ' list="financeurs"'),
      ],
    ),
    '</fieldset>',
    `<fieldset><legend>${escapeHtml(FICHE_FIELD_LABELS.indicateurs)}</legend>`,
    state.errors.indicateurs ? `<p class="error">${escapeHtml(state.errors.indicateurs)}</p>` : '',
    rows(
      state,
      'indicateurs',
      (n) => `Indicateur ${n}`,
      (row, n) => [
        textInput(state, `indicateurs.${row}.label`, `Libellé de l’indicateur ${n}`),
        textInput(state, `indicateurs.${row}.target`, `Cible de l’indicateur ${n}`),
        textInput(state, `indicateurs.${row}.unit`, `Unité de l’indicateur ${n}`),
      ],
    ),
    '</fieldset>',
    '<button type="submit">Enregistrer le contenu</button>',
    '</form>',
  ].join('');
}
