import type { DescribedPath } from '../../client/convention-signature.js';
import {
  assertMayProposeAmendment,
  assertMayRecordStep,
  type AmendmentFacts,
  SIGNATURE_STAGE_LABELS,
  stepLabel,
  type SignatoryParty,
  type SignatureStepKind,
} from '../../domain/convention-signature.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import type { MeetingListItem } from '../../store/meetings/list-meetings-between.js';
import { amendmentProposal, pendingAmendment } from './amendment-proposal.js';
import { capitalized, frenchDay, frenchInstant } from './format.js';
import { csrfField, escapeHtml, type PageViewer } from './layout.js';

/** What the dashboard's « Signature de la convention » section shows. */
export interface SignatureSectionView {
  slug: string;
  /** The convention's status (projet, signee, prolongee…): an avenant changes a signed one. */
  status: string;
  endDate: string;
  paths: DescribedPath[];
  amendments: AmendmentFacts[];
  /** The actor viewing the page: the forms are those of the steps they may record. */
  actor: Actor;
  /** The convention's meetings held so far, for the official signing's form. */
  signingMeetings: MeetingListItem[];
  viewer: PageViewer | null;
}

const mayRecord = (actor: Actor, step: SignatureStepKind, party: SignatoryParty | null) => {
  try {
    assertMayRecordStep(actor, step, party);
    return true;
  } catch {
    return false;
  }
};

/** Whether the actor may propose an avenant now: the API's own rule. */
const mayPropose = (view: SignatureSectionView) => {
  try {
    assertMayProposeAmendment(view.actor, view.status, view.amendments);
    return true;
  } catch {
    return false;
  }
};

const id = (version: number, step: string, party: string | null, field: string) =>
  `signature-${version}-${step}-${party ?? 'partenaires'}-${field}`;

/** The form of one awaited step, for who may record it. */
function stepForm(view: SignatureSectionView, version: number, step: SignatureStepKind, party: SignatoryParty | null) {
  const field = (name: string, label: string, input: string) =>
    `<div><label for="${id(version, step, party, name)}">${label}</label>${input}</div>`;
  const dateInput = field(
    'date',
    'Date',
    `<input type="date" id="${id(version, step, party, 'date')}" name="date" required>`,
  );
  const reference = field(
    'reference',
    'Référence de la délibération',
    `<input id="${id(version, step, party, 'reference')}" name="reference" required maxlength="200">`,
  );
  const options = view.signingMeetings.map(
    (m) =>
      `<option value="${escapeHtml(m.id)}">${escapeHtml(frenchInstant(m.startsAt))} — ${escapeHtml(m.title)}</option>`,
  );
  const meeting = field(
    'meetingId',
    'Réunion de la signature officielle',
    `<select id="${id(version, step, party, 'meetingId')}" name="meetingId" required>${options.join('')}</select>`,
  );
  if (step === 'officielle' && options.length === 0)
    return (
      '<p>Aucune réunion tenue : planifiez celle de la signature officielle (avec les partenaires et la presse) ' +
      'depuis « Nouvelle réunion », puis enregistrez-la ici une fois tenue.</p>'
    );
  const fields = step === 'validation' ? dateInput + reference : step === 'signature' ? dateInput : meeting;
  return (
    `<form class="inline" method="post" action="/conventions/${encodeURIComponent(view.slug)}/signature/${version}">` +
    `${csrfField(view.viewer)}<input type="hidden" name="step" value="${step}">` +
    (party ? `<input type="hidden" name="party" value="${party}">` : '') +
    `${fields}<button type="submit">Enregistrer la ${escapeHtml(stepLabel(step, party))}</button></form>`
  );
}

function pathSection(view: SignatureSectionView, path: DescribedPath): string {
  const amendment = path.amendment;
  const heading = amendment ? escapeHtml(amendment.title) : 'La convention';
  const rows = path.steps.map(
    (s) =>
      `<tr><td>${escapeHtml(capitalized(stepLabel(s.step, s.party)))}</td><td>${escapeHtml(frenchDay(s.date))}</td>` +
      `<td>${escapeHtml(s.reference ?? '')}</td><td>${escapeHtml(s.by)}</td></tr>`,
  );
  const table = path.signedBeforeConcerto
    ? '<p>Signée avant que Concerto ne la suive : ses étapes ne sont pas enregistrées ici.</p>'
    : rows.length
      ? `<table><thead><tr><th scope="col">Étape</th><th scope="col">Date</th><th scope="col">Délibération</th>` +
        `<th scope="col">Enregistrée par</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
      : '<p>Aucune étape enregistrée.</p>';
  const awaited = path.awaited.length
    ? `<p>Attendu : ${path.awaited.map((a) => escapeHtml(stepLabel(a.step, a.party))).join(' ; ')}.</p>` +
      path.awaited
        .filter((a) => mayRecord(view.actor, a.step, a.party))
        .map((a) => stepForm(view, path.version, a.step, a.party))
        .join('')
    : '';
  const motif = amendment?.motif ? `<p>Motif : ${escapeHtml(amendment.motif)}</p>` : '';
  return (
    `<section aria-labelledby="signature-${path.version}"><h3 id="signature-${path.version}">${heading} ` +
    `<span class="muted">(${escapeHtml(SIGNATURE_STAGE_LABELS[path.stage])})</span></h3>${motif}${table}${awaited}` +
    '</section>'
  );
}

/**
 * The signature path of the convention and of its avenants: each step with its date and its
 * délibération, what is awaited, and the forms of the steps the viewer may record; then the avenant
 * waiting for its signatures, or the forms to propose one for those who may.
 */
export function signatureSection(view: SignatureSectionView): string {
  // While an avenant waits for its signatures, it is shown instead of the forms of a new one.
  const pending = view.amendments.find((a) => a.status === 'projet');
  return [
    '<h2 id="signature">Signature de la convention</h2>',
    `<p>La convention prend fin le ${escapeHtml(frenchDay(view.endDate))}. Chaque version — la convention, puis ` +
      'chaque avenant — est validée par le conseil communautaire et les conseils d’administration de la CAF et de ' +
      'la MSA, puis signée par les trois parties ; la convention l’est enfin officiellement.</p>',
    ...view.paths.map((path) => pathSection(view, path)),
    pending
      ? pendingAmendment(
          pending,
          view.paths.find((p) => p.version === pending.number),
        )
      : mayPropose(view)
        ? amendmentProposal(view.slug, view.viewer)
        : '',
  ].join('');
}
