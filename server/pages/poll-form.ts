import type { SuggestedDate } from '../../domain/poll-suggestions.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { errorSummary, field, input, textarea } from './form-fields.js';

/**
 * The form that proposes dates for a meeting of an instance (a date poll). The instance is chosen
 * first, then the form shows the dates the engine suggests (domain/poll-suggestions.ts) to tick, a
 * few rows for other dates, the deadline and the participants (the instance's members, ticked).
 * « Vérifier » checks everything as the poll's start will (each date's warnings shown, each error
 * beside its field); only then does « Lancer le sondage » start it and send the invitations.
 */

/** How many free dates the form takes besides the suggestions. */
export const OTHER_DATES = 3;

/** The form's fields as typed: every value a string, by form name (`date-2`, `autre-0-debut`…). */
export type PollFormValues = Record<string, string>;
/** French errors, by form name. */
export type PollFormErrors = Partial<Record<string, string>>;

/** A date of the form as the review shows it: its label and what to weigh. */
export interface ReviewedDate {
  label: string;
  warnings: string[];
}

/** Input of {@link pollFormPage}. */
export interface PollForm {
  convention: { slug: string; name: string };
  /** The instances the reader may run polls for. */
  instances: ReadonlyArray<{ slug: string; name: string }>;
  /** The instance chosen, with what its dates are checked against; null until one is. */
  instance: { slug: string; name: string; delayDays: number; rule: string | null; members: string[] } | null;
  values: PollFormValues;
  errors: PollFormErrors;
  suggestions: readonly SuggestedDate[];
  /** Set once every check passed: what will be sent. */
  review: { dates: ReviewedDate[]; participants: number; fingerprint: string } | null;
}

/** The value a suggestion's checkbox carries: `2026-06-02 14:00-17:00`. */
export const suggestionKey = (s: Pick<SuggestedDate, 'option'>) => `${s.option.date} ${s.option.start}-${s.option.end}`;

const checkbox = (name: string, value: string, checked: boolean, label: string, described: string[]) =>
  `<input type="checkbox" id="${escapeHtml(name)}" name="${escapeHtml(name)}" value="${escapeHtml(value)}"` +
  `${checked ? ' checked' : ''}${described.length ? ` aria-describedby="${described.join(' ')}"` : ''}> ` +
  `<label class="inline" for="${escapeHtml(name)}">${escapeHtml(label)}</label>`;

/** A line under a choice: an error (red) or warnings. */
const notes = (name: string, error: string | undefined, warnings: readonly string[]) =>
  (error ? `<p class="failed" id="${name}-erreur">${escapeHtml(error)}</p>` : '') +
  (warnings.length ? `<p class="muted" id="${name}-aide">${warnings.map(escapeHtml).join(' ')}</p>` : '');
const describedBy = (name: string, error: string | undefined, warnings: readonly string[]) =>
  [error ? `${name}-erreur` : '', warnings.length ? `${name}-aide` : ''].filter(Boolean);

function suggestionList(form: PollForm): string {
  if (form.suggestions.length === 0)
    return '<p>Aucune date ne respecte les règles dans les quatre mois qui suivent : proposez-en ci-dessous.</p>';
  const items = form.suggestions.map((s, i) => {
    const name = `date-${i}`;
    const error = form.errors[name];
    const key = suggestionKey(s);
    const box = checkbox(name, key, form.values[name] === key, s.label, describedBy(name, error, s.warnings));
    return `<li>${box}${notes(name, error, s.warnings)}</li>`;
  });
  return `<ul class="choices">${items.join('')}</ul>`;
}

function otherDates(form: PollForm): string {
  const { values, errors } = form;
  const rows = Array.from({ length: OTHER_DATES }, (_, i) => {
    const at = (part: string) => `autre-${i}-${part}`;
    return (
      `<fieldset class="row"><legend>Autre date ${i + 1}</legend>` +
      field(at('date'), 'Jour', input('date', values[at('date')] ?? ''), errors) +
      field(at('debut'), 'Début (heure de Paris)', input('time', values[at('debut')] ?? ''), errors) +
      field(at('fin'), 'Fin (heure de Paris)', input('time', values[at('fin')] ?? ''), errors) +
      '</fieldset>'
    );
  });
  return (
    '<fieldset><legend>Autres dates</legend><p class="muted">Facultatif : un jour et ses heures, vérifiés comme ' +
    'les dates suggérées.</p>' +
    rows.join('') +
    '</fieldset>'
  );
}

function participantList(form: PollForm, members: readonly string[]): string {
  const error = form.errors.participants;
  const boxes = members.map((email, i) => {
    const name = `participant-${i}`;
    return `<li>${checkbox(name, email, form.values[name] === email, email, [])}</li>`;
  });
  return (
    `<fieldset${error ? ' aria-describedby="participants-erreur"' : ''}><legend>Participants</legend>` +
    (error ? `<p class="failed" id="participants-erreur">${escapeHtml(error)}</p>` : '') +
    (members.length ? `<ul class="choices">${boxes.join('')}</ul>` : '<p>L’instance n’a aucun membre.</p>') +
    field(
      'autres-participants',
      'Autres participants (facultatif)',
      textarea(form.values['autres-participants'] ?? '', ' maxlength="5000"'),
      form.errors,
      'Les adresses de personnes de la convention, une par ligne.',
    ) +
    '</fieldset>'
  );
}

function reviewSection(review: PollForm['review']): string {
  if (!review) return '';
  const dates = review.dates.map((d) => {
    const weigh = d.warnings.length ? ` — <span class="muted">${d.warnings.map(escapeHtml).join(' ')}</span>` : '';
    return `<li>${escapeHtml(d.label)}${weigh}</li>`;
  });
  return (
    '<section aria-labelledby="verification"><h2 id="verification">Vérification</h2>' +
    `<p class="ok">Ces ${review.dates.length} dates respectent les règles ; l’invitation part à ` +
    `${review.participants} participant${review.participants > 1 ? 's' : ''}.</p><ul>${dates.join('')}</ul>` +
    `<input type="hidden" name="verifie" value="${escapeHtml(review.fingerprint)}"></section>`
  );
}

/** The form, or the choice of the instance first. */
export function pollFormPage(form: PollForm, viewer: PageViewer | null): string {
  const { values, errors, instance } = form;
  const title = 'Proposer des dates';
  const choose =
    `<form method="get" action="/sondages/nouveau" class="inline">` +
    `<input type="hidden" name="convention" value="${escapeHtml(form.convention.slug)}">` +
    field(
      'instance',
      'Instance qui se réunira',
      (a) =>
        `<select ${a}>${form.instances
          .map(
            (i) =>
              `<option value="${escapeHtml(i.slug)}"${i.slug === instance?.slug ? ' selected' : ''}>` +
              `${escapeHtml(i.name)}</option>`,
          )
          .join('')}</select>`,
      errors,
    ) +
    `<button type="submit">${instance ? 'Changer d’instance' : 'Continuer'}</button></form>`;
  const body = [`<h1>${title}</h1>`, errorSummary(errors), `<p>${escapeHtml(form.convention.name)}.</p>`, choose];
  if (instance) {
    body.push(
      `<p>Les dates suggérées pour « ${escapeHtml(instance.name)} » évitent les week-ends et les jours fériés, ` +
        `laissent ${instance.delayDays} jour${instance.delayDays > 1 ? 's' : ''} franc` +
        `${instance.delayDays > 1 ? 's' : ''} de convocation après la date limite de réponse` +
        `${instance.rule ? ` et suivent la règle du calendrier : ${escapeHtml(instance.rule)}` : ''}. ` +
        'La date retenue devient la réunion, convoquée aux participants.</p>',
      '<form method="post" action="/sondages/nouveau" novalidate>',
      csrfField(viewer),
      `<input type="hidden" name="convention" value="${escapeHtml(form.convention.slug)}">`,
      `<input type="hidden" name="instance" value="${escapeHtml(instance.slug)}">`,
      field(
        'titre',
        'Titre (celui de la réunion)',
        input('text', values.titre ?? '', ' required maxlength="200"'),
        errors,
      ),
      field('description', 'Objet (facultatif)', textarea(values.description ?? '', ' maxlength="5000"'), errors),
      field('lieu', 'Lieu (facultatif)', input('text', values.lieu ?? '', ' maxlength="500"'), errors),
      '<fieldset class="row"><legend>Date limite de réponse</legend>' +
        field('echeance', 'Jour', input('date', values.echeance ?? '', ' required'), errors) +
        field(
          'echeance-heure',
          'Heure (heure de Paris)',
          input('time', values['echeance-heure'] ?? '', ' required'),
          errors,
        ) +
        '<p><button type="submit" name="etape" value="suggerer">Suggérer des dates pour cette limite</button></p>' +
        '</fieldset>',
      `<fieldset${errors.dates ? ' aria-describedby="dates-erreur"' : ''}><legend>Dates suggérées</legend>` +
        (errors.dates ? `<p class="failed" id="dates-erreur">${escapeHtml(errors.dates)}</p>` : '') +
        suggestionList(form) +
        '</fieldset>',
      otherDates(form),
      participantList(form, instance.members),
      reviewSection(form.review),
      '<p class="actions">' +
        (form.review ? '<button type="submit" name="etape" value="lancer">Lancer le sondage</button> ' : '') +
        `<button type="submit" name="etape" value="verifier">` +
        `${form.review ? 'Vérifier de nouveau' : 'Vérifier les dates'}</button></p>`,
      '</form>',
    );
  }
  return renderAppPage({ title, current: '/sondages', viewer, body });
}
