import { escapeHtml } from './layout.js';

/** The pieces every form page is made of: a labelled field with its error or hint, its controls, the error count. */

/** A labelled field with its error beside it (`aria-describedby`), or its hint. */
export function field<Name extends string>(
  name: Name,
  label: string,
  control: (attributes: string) => string,
  errors: Partial<Record<Name, string>>,
  hint?: string,
): string {
  const id = `champ-${name}`;
  const error = errors[name];
  const described = [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  const attributes =
    `id="${id}" name="${name}"` +
    (described ? ` aria-describedby="${described}"` : '') +
    (error ? ' aria-invalid="true"' : '');
  return (
    `<div class="field"><label for="${id}">${escapeHtml(label)}</label>` +
    (hint ? `<p class="muted" id="${id}-aide">${escapeHtml(hint)}</p>` : '') +
    control(attributes) +
    (error ? `<p class="failed" id="${id}-erreur">${escapeHtml(error)}</p>` : '') +
    '</div>'
  );
}

export const input =
  (type: string, value: string, extra = '') =>
  (attributes: string) =>
    `<input type="${type}" ${attributes} value="${escapeHtml(value)}"${extra}>`;
export const textarea =
  (value: string, extra = '') =>
  (attributes: string) =>
    `<textarea ${attributes} rows="3"${extra}>${escapeHtml(value)}</textarea>`;

/** How many fields are wrong, above the form (`role="alert"`); `others` counts errors kept outside `errors`. */
export function errorSummary(errors: Partial<Record<string, string>>, others = 0): string {
  const count = Object.keys(errors).length + others;
  if (count === 0) return '';
  return (
    `<p role="alert" class="failed">${count === 1 ? 'Une erreur empêche' : `${count} erreurs empêchent`} ` +
    `d’enregistrer : corrigez ${count === 1 ? 'le champ signalé' : 'les champs signalés'} ci-dessous.</p>`
  );
}
