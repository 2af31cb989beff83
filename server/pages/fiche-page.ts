import { describeField, FICHE_FIELD_LABELS, type FicheField } from '../../domain/fiche-content.js';
import { DECISION_OUTCOME_LABELS, STAGE_LABELS } from '../../domain/lifecycle/labels.js';
import { type Stage } from '../../domain/lifecycle/vocabulary.js';
import type { FicheVersionView } from '../../domain/fiche-views.js';
import type { FichePageRow } from '../../store/fiches/find-fiche-page.js';
import type { TimelineEntry } from '../../client/history-timeline.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';
import { timelineList } from './timeline-list.js';

export interface FichePageView {
  fiche: FichePageRow;
  versions: FicheVersionView[];
  /** People's steps and mails of the fiche's workflow; null when it cannot be read. */
  timeline: TimelineEntry[] | null;
  /** Whether the viewer may take the fiche's steps (anyone of the convention but a plain member). */
  mayAct: boolean;
}

const FIELDS = Object.keys(FICHE_FIELD_LABELS) as FicheField[];

function contentList(version: FicheVersionView): string {
  return `<dl>${FIELDS.map(
    (field) =>
      `<dt>${escapeHtml(FICHE_FIELD_LABELS[field])}</dt>` +
      `<dd>${escapeHtml(describeField(version.content, field))}</dd>`,
  ).join('')}</dl>`;
}

function changesTable(version: FicheVersionView): string {
  if (version.changes.length === 0) return '<p>Aucun changement de contenu par rapport à la version précédente.</p>';
  const rows = version.changes.map(
    (c) =>
      `<tr><th scope="row">${escapeHtml(c.label)}</th><td><del>${escapeHtml(c.before)}</del></td><td>` +
      `<ins>${escapeHtml(c.after)}</ins></td></tr>`,
  );
  return (
    `<table><caption>Changements de la version ${version.version}</caption><thead><tr><th scope="col">Champ</th>` +
    `<th scope="col">Avant</th><th scope="col">Après</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function decisions(fiche: FichePageRow): string {
  if (fiche.decisions.length === 0) return '<p>Aucune décision enregistrée.</p>';
  const rows = fiche.decisions.map(
    (d) =>
      `<tr><td>${escapeHtml(frenchInstant(d.decidedAt))}</td><td>${escapeHtml(d.instance?.name ?? '')}</td>` +
      `<td>${d.version ?? ''}</td><td>${escapeHtml(DECISION_OUTCOME_LABELS[d.outcome] ?? d.outcome)}</td>` +
      `<td>${escapeHtml(d.actorEmail)}</td>` +
      `<td>${
        d.meeting ? `<a href="/reunions/${encodeURIComponent(d.meeting.id)}">${escapeHtml(d.meeting.title)}</a>` : ''
      }</td><td>${escapeHtml(d.comment ?? '')}</td></tr>`,
  );
  return (
    `<table><thead><tr><th scope="col">Date</th><th scope="col">Instance</th><th scope="col">Version</th>` +
    `<th scope="col">Décision</th><th scope="col">Par</th><th scope="col">Réunion</th><th scope="col">` +
    `Commentaire</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** A fiche action: its content, what each version changed, its decisions and its timeline. */
export function fichePage(view: FichePageView, viewer: PageViewer | null): string {
  const { fiche, versions } = view;
  const latest = versions.at(-1);
  const title = latest?.content.title ?? fiche.code;
  return renderAppPage({
    title: `${fiche.code} ${title}`,
    current: '/',
    viewer,
    body: [
      `<h1>${escapeHtml(fiche.code)} — ${escapeHtml(title)}</h1>`,
      '<dl>',
      `<dt>Étape</dt><dd>${escapeHtml(STAGE_LABELS[fiche.status as Stage] ?? fiche.status)}</dd>`,
      `<dt>Rédigée par</dt><dd>${escapeHtml(fiche.authorEmail)}</dd>`,
      fiche.gtt ? `<dt>Groupe de travail</dt><dd>${escapeHtml(fiche.gtt.name)}</dd>` : '',
      `<dt>Version</dt><dd>${latest?.version ?? 1} (${escapeHtml(latest?.state ?? '')})</dd>`,
      '</dl>',
      view.mayAct && fiche.status === 'brouillon'
        ? `<form method="post" ` +
          `action="/fiches/${encodeURIComponent(fiche.id)}/soumettre">${csrfField(viewer)}<button type="submit">` +
          `Soumettre la fiche au COTECH</button></form>`
        : '',
      '<h2>Contenu</h2>',
      latest ? contentList(latest) : '<p>Aucun contenu enregistré.</p>',
      '<h2>Versions</h2>',
      versions.length <= 1
        ? '<p>Une seule version pour l’instant.</p>'
        : versions.slice(1).reverse().map(changesTable).join(''),
      '<h2>Décisions</h2>',
      decisions(fiche),
      '<h2>Histoire de la fiche</h2>',
      view.timeline
        ? timelineList(view.timeline)
        : '<p>L’histoire de cette fiche n’est pas lisible pour l’instant (Temporal injoignable ?).</p>',
      viewer?.admin && fiche.workflowId
        ? `<p><a href="/admin/processus/${encodeURIComponent(fiche.workflowId)}">Histoire complète du processus</a></p>`
        : '',
    ],
  });
}
