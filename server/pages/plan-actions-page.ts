import type { PlanActionsView } from '../../client/plan-actions-view.js';
import {
  PLAN_ACTION_LABELS,
  PLAN_BUREAU_OUTCOME_LABELS,
  PLAN_BUREAU_OUTCOMES,
  type PlanActionKind,
} from '../../domain/plan-actions.js';
import { planFicheStageLabel, type PlanFiche } from '../../domain/plan-actions-tree.js';
import type { FormValues } from './fiche-content-form.js';
import { frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/**
 * The plan d'actions as it reads: per enjeu its objectifs stratégiques and opérationnels, under
 * each the fiches with their code, title, pilote and stage (a table per objectif, for screen
 * readers a caption naming it); then the plan's own steps.
 */

function fichesTable(fiches: readonly PlanFiche[], caption: string): string {
  if (fiches.length === 0) return '<p class="muted">Aucune fiche action pour cet objectif à ce jour.</p>';
  const rows = fiches.map(
    (f) =>
      `<tr><th scope="row"><a href="/fiches/${encodeURIComponent(f.ficheId)}">${escapeHtml(f.code)}</a></th>` +
      `<td>${escapeHtml(f.title)}</td><td>${escapeHtml(f.pilote ?? 'à désigner')}</td>` +
      `<td>${escapeHtml(planFicheStageLabel(f.stage))}</td></tr>`,
  );
  return (
    `<table><caption>${escapeHtml(caption)}</caption>` +
    '<thead><tr><th scope="col">Fiche</th><th scope="col">Intitulé</th><th scope="col">Pilote</th>' +
    `<th scope="col">Étape</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function history(view: PlanActionsView, zone: string): string {
  const steps = view.plan?.history ?? [];
  if (steps.length === 0) return '<p>Aucune étape franchie pour l’instant.</p>';
  return (
    '<ol>' +
    steps
      .map(
        (h) =>
          `<li>${escapeHtml(frenchInstant(h.at, zone))} — ${escapeHtml(PLAN_ACTION_LABELS[h.action])}` +
          `${h.outcome ? ` : ${escapeHtml(PLAN_BUREAU_OUTCOME_LABELS[h.outcome])}` : ''} (${escapeHtml(h.by)})` +
          `${h.comment ? `<br><span class="muted">${escapeHtml(h.comment)}</span>` : ''}</li>`,
      )
      .join('') +
    '</ol>'
  );
}

/** What a refused step shows again: the step, what was typed, the refusal and each field's error. */
export interface PlanStepFailure {
  kind: PlanActionKind;
  values: FormValues;
  message: string;
  errors: Readonly<Record<string, string>>;
}

/** The forms the viewer gets: opening the plan, or the steps of its stage they may take (domain/plan-actions.ts). */
export interface PlanPageActions {
  slug: string;
  /** No plan opened yet and the viewer may open one. */
  mayOpen: boolean;
  steps: readonly PlanActionKind[];
  /** Who the plan waits for, said when the viewer has no step to take; null once presented. */
  waiting: string | null;
  /** What the viewer just did (`?fait=`). */
  notice: string | null;
  failure: PlanStepFailure | null;
}

/** The plan's steps as forms: their button, and the Bureau's decision with its comment. */
export const PLAN_STEP_FORMS: Record<PlanActionKind, { button: string; done: string }> = {
  finishElaboration: {
    button: 'Clore l’élaboration avec le groupe',
    done: 'L’élaboration est close : le plan d’actions est en écriture.',
  },
  submitToBureau: {
    button: 'Transmettre le plan au Bureau communautaire',
    done: 'Le plan d’actions est transmis au Bureau communautaire.',
  },
  recordBureauDecision: {
    button: 'Enregistrer la décision du Bureau',
    done: 'La décision du Bureau communautaire est enregistrée.',
  },
  recordPresentation: {
    button: 'Enregistrer la présentation au conseil communautaire',
    done: 'La présentation au conseil communautaire est enregistrée.',
  },
};

/** The form of one step, with its refusal, what was typed, and each field's error when it was refused. */
function stepForm(kind: PlanActionKind, actions: PlanPageActions, viewer: PageViewer | null): string {
  const id = `plan-${kind}`;
  const mine = actions.failure?.kind === kind ? actions.failure : null;
  const values = mine?.values ?? {};
  const error = (field: string) =>
    mine?.errors[field] ? `<p class="error" id="${id}-${field}-err">${escapeHtml(mine.errors[field])}</p>` : '';
  const described = (field: string) =>
    mine?.errors[field] ? ` aria-invalid="true" aria-describedby="${id}-${field}-err"` : '';
  const decision =
    kind === 'recordBureauDecision'
      ? `<fieldset${mine?.errors.outcome ? ` aria-describedby="${id}-outcome-err"` : ''}>` +
        `<legend>Décision du Bureau communautaire</legend>${error('outcome')}` +
        PLAN_BUREAU_OUTCOMES.map(
          (outcome) =>
            `<div><input type="radio" id="${id}-${outcome}" name="outcome" value="${outcome}"` +
            `${values.outcome === outcome ? ' checked' : ''}> <label class="inline" for="${id}-${outcome}">` +
            `${escapeHtml(PLAN_BUREAU_OUTCOME_LABELS[outcome])}</label></div>`,
        ).join('') +
        '</fieldset>' +
        `<label for="${id}-comment">Commentaire (obligatoire si le plan est à reprendre : ce qui est à reprendre)` +
        `</label><textarea id="${id}-comment" name="comment" rows="3"${described('comment')}>` +
        `${escapeHtml(values.comment ?? '')}</textarea>${error('comment')}`
      : '';
  return (
    `<section aria-labelledby="${id}-h"><h3 id="${id}-h">${escapeHtml(PLAN_ACTION_LABELS[kind])}</h3>` +
    `<form method="post" action="/conventions/${encodeURIComponent(actions.slug)}/plan-actions/etapes/${kind}">` +
    csrfField(viewer) +
    (mine ? `<div class="alert failed" role="alert">${escapeHtml(mine.message)}</div>` : '') +
    `${decision}<button type="submit">${escapeHtml(PLAN_STEP_FORMS[kind].button)}</button></form></section>`
  );
}

/** What the plan waits for, and the forms its viewer may send: opening it, or its stage's steps. */
function stepsSection(view: PlanActionsView, actions: PlanPageActions, viewer: PageViewer | null): string {
  const failure = actions.failure;
  // A step no longer offered (taken meanwhile, or sent twice): its refusal still shows.
  const orphan = failure && !actions.steps.includes(failure.kind) ? failure.message : null;
  const last = view.plan?.history.at(-1);
  const sentBack =
    view.plan?.stage === 'ecriture' && last?.outcome === 'a_reprendre' && last.comment
      ? `<p>Le Bureau communautaire a renvoyé le plan à l’écriture : « ${escapeHtml(last.comment)} »</p>`
      : '';
  const open = view.plan
    ? ''
    : actions.mayOpen
      ? `<form method="post" action="/conventions/${encodeURIComponent(actions.slug)}/plan-actions">` +
        `${csrfField(viewer)}<button type="submit">Ouvrir le plan d’actions ${escapeHtml(view.period)}</button></form>`
      : '<p>Le plan d’actions n’est pas encore ouvert : un coopérateur l’ouvre.</p>';
  return [
    '<section aria-labelledby="etapes"><h2 id="etapes">Étapes du plan d’actions</h2>',
    orphan ? `<div class="alert failed" role="alert">${escapeHtml(orphan)}</div>` : '',
    sentBack,
    actions.waiting && actions.steps.length === 0 ? `<p class="waiting">${escapeHtml(actions.waiting)}</p>` : '',
    view.plan && !actions.waiting ? '<p>Le plan d’actions est présenté : il n’attend plus aucune étape.</p>' : '',
    open,
    ...actions.steps.map((kind) => stepForm(kind, actions, viewer)),
    '</section>',
  ].join('');
}

/** The page of the convention's plan d'actions; `pdfUrl` its document; `actions` the viewer's forms. */
export function planActionsPage(
  view: PlanActionsView,
  pdfUrl: string,
  viewer: PageViewer | null,
  actions: PlanPageActions,
): string {
  const zone = view.convention.zone;
  const enjeux = view.tree.enjeux.map((enjeu) => {
    const id = `enjeu-${enjeu.code}`;
    const strategiques = enjeu.strategiques.map(
      (os) =>
        `<h3>Objectif stratégique ${escapeHtml(os.code)} — ${escapeHtml(os.title)}</h3>` +
        (os.operationnels.length === 0 || os.fiches.length > 0
          ? fichesTable(os.fiches, `Fiches de l’objectif ${os.code}`)
          : '') +
        os.operationnels
          .map(
            (oo) =>
              `<h4>Objectif opérationnel ${escapeHtml(oo.code)} — ${escapeHtml(oo.title)}</h4>` +
              fichesTable(oo.fiches, `Fiches de l’objectif ${oo.code}`),
          )
          .join(''),
    );
    return (
      `<section aria-labelledby="${escapeHtml(id)}">` +
      `<h2 id="${escapeHtml(id)}">Enjeu ${escapeHtml(enjeu.code)} — ${escapeHtml(enjeu.title)}</h2>` +
      (enjeu.fiches.length ? fichesTable(enjeu.fiches, `Fiches de l’enjeu ${enjeu.code} sans objectif désigné`) : '') +
      strategiques.join('') +
      '</section>'
    );
  });
  const unplaced = view.tree.unplaced.length
    ? '<section aria-labelledby="sans-enjeu"><h2 id="sans-enjeu">Fiches actions sans enjeu désigné</h2>' +
      fichesTable(view.tree.unplaced, 'Fiches sans enjeu désigné') +
      '</section>'
    : '';
  return renderAppPage({
    title: `Plan d’actions ${view.period}`,
    current: '/plan-actions',
    viewer,
    notice: actions.notice,
    body: [
      `<h1>Plan d’actions ${escapeHtml(view.period)}</h1>`,
      `<p>${escapeHtml(view.convention.name)} — ${escapeHtml(view.convention.territory)}</p>`,
      `<p>État du plan : <strong>${escapeHtml(view.stageLabel)}</strong>. ` +
        `${view.ficheCount} fiche(s) action. ` +
        `<a href="${escapeHtml(pdfUrl)}">Télécharger le plan d’actions (PDF)</a></p>`,
      stepsSection(view, actions, viewer),
      ...enjeux,
      unplaced,
      '<h2>Parcours du plan d’actions</h2>',
      history(view, zone),
    ],
  });
}
