import type { PlanActionsView } from '../../client/plan-actions-view.js';
import { PLAN_ACTION_LABELS, PLAN_BUREAU_OUTCOME_LABELS } from '../../domain/plan-actions.js';
import { planFicheStageLabel, type PlanFiche } from '../../domain/plan-actions-tree.js';
import { frenchInstant } from './format.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';

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

/** The page of the convention's plan d'actions; `pdfUrl` its document. */
export function planActionsPage(view: PlanActionsView, pdfUrl: string, viewer: PageViewer | null): string {
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
    current: '/',
    viewer,
    body: [
      `<h1>Plan d’actions ${escapeHtml(view.period)}</h1>`,
      `<p>${escapeHtml(view.convention.name)} — ${escapeHtml(view.convention.territory)}</p>`,
      `<p>État du plan : <strong>${escapeHtml(view.stageLabel)}</strong>. ` +
        `${view.ficheCount} fiche(s) action. ` +
        `<a href="${escapeHtml(pdfUrl)}">Télécharger le plan d’actions (PDF)</a></p>`,
      ...enjeux,
      unplaced,
      '<h2>Parcours du plan d’actions</h2>',
      history(view, zone),
    ],
  });
}
