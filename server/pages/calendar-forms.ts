import { DomainError, type FieldIssue } from '../../domain/errors.js';
import { parseMeetingRule, WEEKDAYS, type MeetingRule } from '../../domain/meeting-recurrence.js';
import { FRENCH_MONTHS } from '../../domain/paris-time.js';
import type { InstanceListItem } from '../../store/conventions/list-instances.js';
import type { PlannedMilestone } from '../../workflows/calendar-definitions.js';
import { checkboxes, field, select, textInput, type ContentFormState, type FormValues } from './fiche-content-form.js';
import { frenchDay } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/**
 * The calendar's forms: the rules of each instance's recurring meetings (the whole list, as
 * PUT /api/conventions/:slug/calendar/rules takes it), and moving a milestone, its new day checked
 * first (weekend, public holiday, school holidays) and confirmed with a reason.
 */

const MONTHS = FRENCH_MONTHS.map((name, i) => ({ value: String(i + 1), label: name }));
const FREQUENCIES = [
  { value: 'month', label: 'Chaque mois' },
  { value: 'quarter', label: 'Chaque trimestre' },
  { value: 'months', label: 'Certains mois' },
];
const RANKS = [
  { value: '1', label: 'le premier' },
  { value: '2', label: 'le deuxième' },
  { value: '3', label: 'le troisième' },
  { value: '4', label: 'le quatrième' },
  { value: '-1', label: 'le dernier' },
];

/** Months as a checkbox group holds them: `name.i` is the (i+1)th month's number when ticked. */
const monthBoxes = (name: string, months: readonly number[] = []) =>
  Object.fromEntries(months.map((m) => [`${name}.${m - 1}`, String(m)]));
const tickedMonths = (values: FormValues, name: string) =>
  MONTHS.map((_, i) => values[`${name}.${i}`]).flatMap((v) => (v ? [Number(v)] : []));

/** The stored rules as the form's fields, by instance slug. */
export function rulesFormValues(rules: readonly MeetingRule[]): FormValues {
  return Object.fromEntries(
    rules.flatMap((rule) => {
      const s = rule.instance;
      const { frequency } = rule;
      return Object.entries({
        [`${s}.frequence`]: frequency.every,
        [`${s}.premierMois`]: frequency.every === 'quarter' ? String(frequency.firstMonth) : '',
        ...monthBoxes(`${s}.mois`, frequency.every === 'months' ? frequency.months : []),
        [`${s}.jour`]: rule.weekday,
        [`${s}.rang`]: String(rule.nth),
        [`${s}.heure`]: rule.time,
        [`${s}.duree`]: String(rule.durationMinutes),
        ...monthBoxes(`${s}.sauf`, rule.skipMonths),
      });
    }),
  );
}

/** The form field an issue of a rule is about. */
function ruleField(slug: string, issue: FieldIssue): string {
  const [head, next] = issue.field.split('.');
  const name =
    head === 'frequency'
      ? next === 'firstMonth'
        ? 'premierMois'
        : next === 'months'
          ? 'mois'
          : 'frequence'
      : ({ weekday: 'jour', nth: 'rang', time: 'heure', durationMinutes: 'duree', skipMonths: 'sauf' } as const)[
          head as 'weekday'
        ];
  return `${slug}.${name ?? 'frequence'}`;
}

/**
 * The rules the form gives, each checked by the API's schema (domain/meeting-recurrence.ts); an
 * instance whose frequency is left empty has none. Each issue is put beside its field.
 */
export function rulesFromForm(
  instances: readonly InstanceListItem[],
  values: FormValues,
): { rules: MeetingRule[]; errors: Record<string, string> } {
  const rules: MeetingRule[] = [];
  const errors: Record<string, string> = {};
  for (const { slug } of instances) {
    const value = (name: string) => (values[`${slug}.${name}`] ?? '').trim();
    const every = value('frequence');
    if (!every) continue;
    const number = (name: string) => (value(name) === '' ? undefined : Number(value(name)));
    const skipMonths = tickedMonths(values, `${slug}.sauf`);
    const candidate = {
      instance: slug,
      frequency:
        every === 'quarter'
          ? { every, firstMonth: number('premierMois') }
          : every === 'months'
            ? { every, months: tickedMonths(values, `${slug}.mois`) }
            : { every },
      weekday: value('jour'),
      nth: number('rang'),
      time: value('heure'),
      durationMinutes: number('duree'),
      ...(skipMonths.length ? { skipMonths } : {}),
    };
    try {
      rules.push(parseMeetingRule(candidate));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'INVALID_INPUT') throw error;
      for (const issue of error.issues ?? [{ field: error.field ?? '', message: error.message }])
        errors[ruleField(slug, issue)] ??= issue.message;
    }
  }
  return { rules, errors };
}

/** Input of {@link rulesFormPage}. */
export interface RulesForm {
  convention: { slug: string; name: string };
  instances: readonly InstanceListItem[];
  state: ContentFormState;
  /** The calendar's confirmation, after saving. */
  notice?: string | null;
}

function errorSummary(state: ContentFormState, what: string): string {
  const count = Object.keys(state.errors).length;
  if (state.failure) return `<p class="alert failed" role="alert">${escapeHtml(state.failure)}</p>`;
  if (count === 0) return '';
  return (
    `<p class="alert failed" role="alert">${escapeHtml(what)} : ` +
    `${count === 1 ? 'un champ est à corriger' : `${count} champs sont à corriger`} (voir sous chaque champ).</p>`
  );
}

/** The rules of the convention's recurring meetings, one group of fields per instance. */
export function rulesFormPage(form: RulesForm, viewer: PageViewer | null): string {
  const { state } = form;
  const groups = form.instances.map((instance) => {
    const s = instance.slug;
    return (
      `<fieldset><legend>${escapeHtml(instance.name)}</legend>` +
      select(state, `${s}.frequence`, 'Réunions régulières', FREQUENCIES) +
      select(state, `${s}.premierMois`, 'Premier mois du trimestre (chaque trimestre)', MONTHS.slice(0, 3)) +
      checkboxes(state, `${s}.mois`, 'Mois des réunions (certains mois)', [{ items: MONTHS }]) +
      select(state, `${s}.rang`, 'Quel jour du mois', RANKS) +
      select(
        state,
        `${s}.jour`,
        'Jour de la semaine',
        WEEKDAYS.map((d) => ({ value: d, label: d })),
      ) +
      field(
        state,
        `${s}.heure`,
        'Heure (heure de Paris)',
        (attrs) => `<input type="time" ${attrs} value="${escapeHtml(state.values[`${s}.heure`] ?? '')}">`,
      ) +
      textInput(state, `${s}.duree`, 'Durée en minutes', ' inputmode="numeric"') +
      checkboxes(state, `${s}.sauf`, 'Mois sans réunion', [{ items: MONTHS }]) +
      '</fieldset>'
    );
  });
  return renderAppPage({
    title: 'Règles des réunions',
    current: '/calendrier',
    viewer,
    body: [
      '<h1>Règles des réunions régulières</h1>',
      form.notice ? `<p role="status" class="alert ok">${escapeHtml(form.notice)}</p>` : '',
      errorSummary(state, 'Les règles n’ont pas été enregistrées'),
      `<p>Convention ${escapeHtml(form.convention.name)}. Le calendrier crée chaque réunion et convoque ses membres ` +
        'à temps pour son délai de convocation ; un jour férié reporte la réunion au jour ouvré suivant. ' +
        'Changer une règle replanifie les réunions qui ne sont pas encore convoquées.</p>',
      '<form method="post" action="/calendrier/regles" novalidate>',
      csrfField(viewer),
      `<input type="hidden" name="convention" value="${escapeHtml(form.convention.slug)}">`,
      ...groups,
      '<p><button type="submit">Enregistrer les règles</button></p>',
      '</form>',
      `<p><a href="/calendrier?convention=${encodeURIComponent(form.convention.slug)}">Retour au calendrier</a></p>`,
    ],
  });
}

/** What the check of a milestone's new day found, to show before confirming. */
export interface MilestoneDayReview {
  day: string;
  /** A weekend or a public holiday, then the school holidays, in French. */
  warnings: string[];
}

/** Input of {@link moveMilestonePage}. */
export interface MoveMilestoneForm {
  convention: { slug: string };
  milestone: PlannedMilestone;
  state: ContentFormState;
  review: MilestoneDayReview | null;
}

/** Move a milestone: its new day, checked (étape « verifier »), then confirmed with a reason. */
export function moveMilestonePage(form: MoveMilestoneForm, viewer: PageViewer | null): string {
  const { state, review, milestone } = form;
  const reviewed = review
    ? `<section aria-labelledby="verification"><h2 id="verification">Vérification de la date</h2>` +
      `<p>Nouvelle date : ${escapeHtml(frenchDay(review.day))}.</p>` +
      (review.warnings.length
        ? `<p>À prendre en compte :</p><ul>${review.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
        : '<p class="ok">Ce jour est ouvré, hors vacances scolaires.</p>') +
      `<input type="hidden" name="verifie" value="${escapeHtml(review.day)}"></section>`
    : '';
  // Checked: confirming is offered, the reason still to give if it is the one error.
  const checked = review !== null && Object.keys(state.errors).every((name) => name === 'motif');
  const key = encodeURIComponent(milestone.key);
  return renderAppPage({
    title: `Déplacer le jalon — ${milestone.title}`,
    current: '/calendrier',
    viewer,
    body: [
      '<h1>Déplacer le jalon</h1>',
      errorSummary(state, 'Le jalon n’a pas été déplacé'),
      `<p>« ${escapeHtml(milestone.title)} », prévu le ${escapeHtml(frenchDay(milestone.startDate))}. ` +
        'Son responsable reçoit de nouveau ses rappels, pour la nouvelle date.</p>',
      `<form method="post" action="/calendrier/jalons/${key}/deplacer" novalidate>`,
      csrfField(viewer),
      `<input type="hidden" name="convention" value="${escapeHtml(form.convention.slug)}">`,
      field(
        state,
        'date',
        'Nouvelle date',
        (attrs) => `<input type="date" ${attrs} value="${escapeHtml(state.values.date ?? '')}" required>`,
      ),
      field(
        state,
        'motif',
        'Motif du déplacement (consigné dans l’historique)',
        (attrs) => `<textarea ${attrs} rows="3" maxlength="1000">${escapeHtml(state.values.motif ?? '')}</textarea>`,
      ),
      reviewed,
      '<p>' +
        (checked ? '<button type="submit" name="etape" value="confirmer">Déplacer le jalon</button> ' : '') +
        `<button type="submit" name="etape" value="verifier">${checked ? 'Vérifier de nouveau' : 'Vérifier la date'}` +
        '</button></p>',
      '</form>',
    ],
  });
}
