import type { ConvocationDateCheck } from '../../domain/convocation-date.js';
import { toLocal } from '../../domain/paris-time.js';
import type { InstanceListItem } from '../../store/conventions/list-instances.js';
import type { MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import { frenchInstant } from './format.js';
import { errorSummary, field, input, textarea } from './form-fields.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { dueFichesSection, freeItemsFieldset, type FreeItemRow, type RowErrors } from './meeting-agenda.js';

/**
 * The forms that convene, move and cancel a meeting. A date is first checked (étape « verifier »):
 * the page shows what it breaks (a weekend, a holiday, the convocation delay) and what to weigh
 * (school holidays) before anything is sent, and asks for the reason of a dérogation when a rule is
 * set aside; only then does « confirmer » convene or move. Each field's error is shown beside it,
 * and what was typed is kept.
 */

/** The fields as typed (form names), every one a string. */
export interface MeetingFormValues {
  instance: string;
  title: string;
  date: string;
  debut: string;
  fin: string;
  lieu: string;
  visio: string;
  motif: string;
  derogation: string;
  /** The start (ISO) whose checks the page showed: confirming another date checks it again. */
  verifie: string;
}

/** French error messages by form field. */
export type FieldErrors = Partial<Record<keyof MeetingFormValues, string>>;

const FIELDS: ReadonlyArray<keyof MeetingFormValues> = [
  'instance',
  'title',
  'date',
  'debut',
  'fin',
  'lieu',
  'visio',
  'motif',
  'derogation',
  'verifie',
];

/** The posted form's fields (anything else ignored), strings only. */
export function readMeetingForm(body: unknown): MeetingFormValues {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(
    FIELDS.map((name) => [name, typeof fields[name] === 'string' ? fields[name] : '']),
  ) as unknown as MeetingFormValues;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A meeting's date and times as the form's fields hold them, in `zone`. */
export function meetingFormValues(
  meeting: Pick<MeetingPageRow, 'startsAt' | 'endsAt' | 'location' | 'visioUrl'>,
  zone: string,
): MeetingFormValues {
  const start = toLocal(meeting.startsAt, zone);
  const end = toLocal(meeting.endsAt, zone);
  return {
    ...readMeetingForm({}),
    date: `${start.year}-${pad2(start.month)}-${pad2(start.day)}`,
    debut: `${pad2(start.hour)}:${pad2(start.minute)}`,
    fin: `${pad2(end.hour)}:${pad2(end.minute)}`,
    lieu: meeting.location ?? '',
    visio: meeting.visioUrl ?? '',
  };
}

/** The checks of a date read from the form, to show before confirming. */
export interface DateReview {
  startsAt: string;
  endsAt: string;
  check: ConvocationDateCheck;
}

/** The date, times, place and visio fields, shared by convening and moving. */
function whenAndWhere(values: MeetingFormValues, errors: FieldErrors): string {
  return [
    field('date', 'Jour de la réunion', input('date', values.date, ' required'), errors, 'Au format jj/mm/aaaa.'),
    field('debut', 'Heure de début (heure de Paris)', input('time', values.debut, ' required'), errors),
    field('fin', 'Heure de fin (heure de Paris)', input('time', values.fin, ' required'), errors),
    field('lieu', 'Lieu', input('text', values.lieu, ' maxlength="500"'), errors),
    field('visio', 'Lien de visioconférence', input('url', values.visio), errors, 'Une adresse https://…'),
  ].join('');
}

/**
 * What the checks found: the rules the date breaks (refused unless a reason is given, then
 * recorded) and the warnings, with the dérogation's reason field when a rule is set aside.
 */
function reviewSection(review: DateReview | null, values: MeetingFormValues, errors: FieldErrors): string {
  if (!review) return '';
  const { breaches, warnings } = review.check;
  const when =
    `<p>Du ${escapeHtml(frenchInstant(review.startsAt))} ` + `au ${escapeHtml(frenchInstant(review.endsAt))}.</p>`;
  const refused = breaches.length
    ? `<p class="failed">Cette date enfreint une règle de convocation :</p><ul>${breaches
        .map((b) => `<li>${escapeHtml(b.message)}</li>`)
        .join('')}</ul>` +
      field(
        'derogation',
        'Motif de la dérogation (obligatoire pour maintenir cette date)',
        textarea(values.derogation, ' required'),
        errors,
        'Il sera consigné dans l’historique de la réunion.',
      )
    : '<p class="ok">Cette date respecte les règles de convocation.</p>';
  const weigh = warnings.length
    ? `<p>À prendre en compte :</p><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
    : '';
  return (
    `<section aria-labelledby="verification"><h2 id="verification">Vérification de la date</h2>` +
    `${when}${refused}${weigh}<input type="hidden" name="verifie" value="${escapeHtml(review.startsAt)}"></section>`
  );
}

/** The buttons: check the date; once checked without error (`others`: errors outside the date's fields), confirm. */
function buttons(review: DateReview | null, errors: FieldErrors, confirm: string, others = 0): string {
  const checked = review !== null && others === 0 && Object.keys(errors).every((name) => name === 'derogation');
  return (
    '<p class="actions">' +
    (checked ? `<button type="submit" name="etape" value="confirmer">${escapeHtml(confirm)}</button> ` : '') +
    `<button type="submit" name="etape" value="verifier">${checked ? 'Vérifier de nouveau' : 'Vérifier la date'}` +
    '</button></p>'
  );
}

/** A form's page: its heading, the count of its errors first (`others` beyond the fields'), then its body. */
function formPage(
  title: string,
  heading: string,
  errors: FieldErrors,
  viewer: PageViewer | null,
  body: string[],
  others = 0,
) {
  return renderAppPage({
    title,
    current: '/calendrier',
    viewer,
    body: [`<h1>${escapeHtml(heading)}</h1>`, errorSummary(errors, others), ...body],
  });
}

/** Input of {@link conveneFormPage}. */
export interface ConveneForm {
  convention: { slug: string; name: string };
  /** The instances the reader may convene. */
  instances: InstanceListItem[];
  values: MeetingFormValues;
  errors: FieldErrors;
  review: DateReview | null;
  /** The free items of the ordre du jour as typed, and their errors by row. */
  items: FreeItemRow[];
  itemErrors: RowErrors;
  /** The fiches waiting for the instance chosen, once one is. */
  dueFiches: Array<{ id: string; code: string; title: string }> | null;
}

/** Convene a meeting of an instance. */
export function conveneFormPage(form: ConveneForm, viewer: PageViewer | null): string {
  const { values, errors } = form;
  const others = form.itemErrors.size;
  const options = form.instances
    .map(
      (i) =>
        `<option value="${escapeHtml(i.slug)}"${i.slug === values.instance ? ' selected' : ''}>` +
        `${escapeHtml(i.name)}</option>`,
    )
    .join('');
  const body = [
    `<p>Convention ${escapeHtml(form.convention.name)}. Les fiches qui attendent l’avis ou la décision de ` +
      'l’instance s’inscrivent d’elles-mêmes à l’ordre du jour ; la convocation part aux membres ' +
      'avec l’ordre du jour.</p>',
    '<form method="post" action="/reunions/nouvelle" novalidate>',
    csrfField(viewer),
    `<input type="hidden" name="convention" value="${escapeHtml(form.convention.slug)}">`,
    field('instance', 'Instance', (a) => `<select ${a} required>${options}</select>`, errors),
    field('title', 'Titre de la réunion', input('text', values.title, ' required maxlength="200"'), errors),
    whenAndWhere(values, errors),
    freeItemsFieldset(form.items, form.itemErrors),
    dueFichesSection(form.dueFiches),
    reviewSection(form.review, values, errors),
    buttons(form.review, errors, 'Convoquer la réunion', others),
    '</form>',
  ];
  return formPage('Convoquer une réunion', 'Convoquer une réunion', errors, viewer, body, others);
}

/** Input of {@link moveFormPage}. */
export interface MoveForm {
  meeting: Pick<MeetingPageRow, 'id' | 'title' | 'startsAt'>;
  values: MeetingFormValues;
  errors: FieldErrors;
  review: DateReview | null;
}

const meetingLink = (meeting: Pick<MeetingPageRow, 'id' | 'title' | 'startsAt'>) =>
  `<p>Réunion « <a href="/reunions/${encodeURIComponent(meeting.id)}">${escapeHtml(meeting.title)}</a> », ` +
  `prévue le ${escapeHtml(frenchInstant(meeting.startsAt))}.</p>`;

/** Move a meeting: its new date, checked like a convocation's, and the reason told to the members. */
export function moveFormPage(form: MoveForm, viewer: PageViewer | null): string {
  const { values, errors } = form;
  return formPage(`Déplacer la réunion — ${form.meeting.title}`, 'Déplacer la réunion', errors, viewer, [
    meetingLink(form.meeting),
    '<p>Les membres reçoivent la nouvelle date et sont invités à répondre de nouveau.</p>',
    `<form method="post" action="/reunions/${encodeURIComponent(form.meeting.id)}/deplacer" novalidate>`,
    csrfField(viewer),
    whenAndWhere(values, errors),
    field('motif', 'Motif du report (envoyé aux membres)', textarea(values.motif, ' maxlength="1000"'), errors),
    reviewSection(form.review, values, errors),
    buttons(form.review, errors, 'Déplacer la réunion'),
    '</form>',
  ]);
}

/** Input of {@link cancelFormPage}: no date to check. */
export type CancelForm = Omit<MoveForm, 'review'>;

/** Cancel a meeting, with the reason the members will read. */
export function cancelFormPage(form: CancelForm, viewer: PageViewer | null): string {
  const { values, errors } = form;
  return formPage(`Annuler la réunion — ${form.meeting.title}`, 'Annuler la réunion', errors, viewer, [
    meetingLink(form.meeting),
    '<p>Les membres reçoivent l’annulation et son motif ; rien ne s’enregistre plus ensuite pour cette réunion.</p>',
    `<form method="post" action="/reunions/${encodeURIComponent(form.meeting.id)}/annuler" novalidate>`,
    csrfField(viewer),
    field(
      'motif',
      'Motif de l’annulation (envoyé aux membres)',
      textarea(values.motif, ' required maxlength="1000"'),
      errors,
    ),
    '<p class="actions"><button type="submit">Annuler la réunion</button></p>',
    '</form>',
  ]);
}

/** The confirmations a meeting's page shows after an action (`?fait=`), in French. */
export const MEETING_NOTICES = {
  convoquee: 'La réunion est planifiée : la convocation part aux membres avec l’ordre du jour dans quelques instants.',
  deplacee: 'La réunion est déplacée : les membres reçoivent la nouvelle date.',
  annulee: 'La réunion est annulée : les membres en sont avertis.',
  presences: 'Les présences sont enregistrées.',
  releve: 'Le relevé de décisions part aux membres.',
  publie: 'Le relevé de décisions est publié sur la page publique de la convention.',
  point: 'Le point est ajouté à l’ordre du jour.',
  ordre: 'L’ordre du jour est mis à jour.',
  decision: 'La décision sur ce point est enregistrée.',
  'compte-rendu': 'Le compte rendu est déposé : il part aux membres en pièce jointe.',
  'proposition-refusee': 'La proposition est refusée : son auteur en est averti, la réunion reste à sa date.',
} as const satisfies Record<string, string>;
