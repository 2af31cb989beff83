import {
  stepLabel,
  stepsToCome,
  type AmendmentFacts,
  type AmendmentKind,
  type SignaturePath,
} from '../../domain/convention-signature.js';
import { capitalized, frenchDay } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** What was typed in an avenant's form, and what is wrong with it: by field, or `failure` for the whole avenant. */
export interface AmendmentFormState {
  values: Readonly<Record<string, string>>;
  errors: Readonly<Partial<Record<string, string>>>;
  failure?: string;
}

/** The fields of each kind of avenant, by the name the API reads, with their label. */
export const AMENDMENT_FIELDS: Record<AmendmentKind, ReadonlyArray<{ name: string; label: string }>> = {
  prolongation: [
    { name: 'newEndDate', label: 'Nouvelle date de fin' },
    { name: 'motif', label: 'Motif de la prolongation' },
  ],
  autre: [
    { name: 'title', label: 'Objet de l’avenant' },
    { name: 'motif', label: 'Motif de la modification' },
  ],
};

const HEADINGS: Record<AmendmentKind, string> = {
  prolongation: 'Prolonger la convention',
  autre: 'Un autre avenant',
};
const BUTTONS: Record<AmendmentKind, string> = {
  prolongation: 'Proposer la prolongation',
  autre: 'Proposer l’avenant',
};

const fieldId = (kind: AmendmentKind, name: string) => `avenant-${kind}-${name}`;
const EMPTY: AmendmentFormState = { values: {}, errors: {} };

/** One kind's form, its errors beside their fields; the browser leaves the checks to the server's French ones. */
export function amendmentForm(
  slug: string,
  kind: AmendmentKind,
  viewer: PageViewer | null,
  state = EMPTY,
  heading: 'h2' | 'h4' = 'h4',
): string {
  const fields = AMENDMENT_FIELDS[kind].map(({ name, label }) => {
    const id = fieldId(kind, name);
    const error = state.errors[name];
    const attributes =
      `id="${id}" name="${name}" required` + (error ? ` aria-invalid="true" aria-describedby="${id}-erreur"` : '');
    const value = state.values[name] ?? '';
    const control =
      name === 'newEndDate'
        ? `<input type="date" ${attributes} value="${escapeHtml(value)}">`
        : name === 'title'
          ? `<input ${attributes} maxlength="200" value="${escapeHtml(value)}">`
          : `<textarea ${attributes} rows="3" maxlength="2000">${escapeHtml(value)}</textarea>`;
    return (
      `<div class="field"><label for="${id}">${escapeHtml(label)}</label>${control}` +
      (error ? `<p class="failed" id="${id}-erreur">${escapeHtml(error)}</p>` : '') +
      '</div>'
    );
  });
  return (
    `<${heading}>${HEADINGS[kind]}</${heading}>` +
    `<form method="post" action="/conventions/${encodeURIComponent(slug)}/avenants" novalidate>` +
    `${csrfField(viewer)}<input type="hidden" name="nature" value="${kind}">${fields.join('')}` +
    `<p><button type="submit">${BUTTONS[kind]}</button></p></form>`
  );
}

/** The avenant waiting for its signatures: what it is, why, and the steps still to record. */
export function pendingAmendment(amendment: AmendmentFacts, path: SignaturePath | undefined): string {
  const nature =
    amendment.kind === 'prolongation' && amendment.newEndDate
      ? `prolongation de la convention jusqu’au ${frenchDay(amendment.newEndDate)}`
      : `autre avenant — ${amendment.title.replace(/^Avenant n° \d+ : /, '')}`;
  const toCome = path ? stepsToCome(path) : [];
  return (
    '<section aria-labelledby="avenant-en-attente"><h3 id="avenant-en-attente">Avenant en attente de signature</h3>' +
    `<p>Avenant n° ${amendment.number} : ${escapeHtml(nature)}. Statut « projet » : il ne prend effet qu’une ` +
    'fois validé par les instances des trois signataires et signé par les trois parties.</p>' +
    (amendment.motif ? `<p>Motif : ${escapeHtml(amendment.motif)}</p>` : '') +
    (toCome.length
      ? `<p>Reste à enregistrer :</p><ul>${toCome
          .map((s) => `<li>${escapeHtml(capitalized(stepLabel(s.step, s.party)))}</li>`)
          .join('')}</ul>`
      : '') +
    '<p>Un autre avenant pourra être proposé une fois celui-ci signé.</p></section>'
  );
}

/** The two forms of a new avenant, for those who may propose one now. */
export function amendmentProposal(slug: string, viewer: PageViewer | null): string {
  return (
    '<section aria-labelledby="avenant-proposer"><h3 id="avenant-proposer">Proposer un avenant</h3>' +
    '<p>L’avenant proposé est un projet : il suit le même chemin que la convention (validation par les ' +
    'instances des trois signataires, puis leur signature) avant de prendre effet.</p>' +
    amendmentForm(slug, 'prolongation', viewer) +
    amendmentForm(slug, 'autre', viewer) +
    '</section>'
  );
}

/** An avenant's form sent back: what prevented it, each wrong field named with its message, then the form. */
export function amendmentFormPage(
  form: { slug: string; kind: AmendmentKind; state: AmendmentFormState },
  viewer: PageViewer | null,
): string {
  const { slug, kind, state } = form;
  // One paragraph of text after the title, as every refused form opens; each field has its message beside it too.
  const named = AMENDMENT_FIELDS[kind]
    .filter(({ name }) => state.errors[name])
    .map(({ name, label }) => `${escapeHtml(label)} : ${escapeHtml(state.errors[name]!)}`);
  const items = [...(state.failure ? [escapeHtml(state.failure)] : []), ...named];
  return renderAppPage({
    title: 'Proposer un avenant',
    current: '/',
    viewer,
    body: [
      '<h1>Proposer un avenant</h1>',
      `<p class="alert failed" role="alert">L’avenant n’a pas été proposé : ${items.join(' ')}</p>`,
      amendmentForm(slug, kind, viewer, state, 'h2'),
      `<p><a href="/?convention=${encodeURIComponent(slug)}#signature">Retour au tableau de bord</a></p>`,
    ],
  });
}
