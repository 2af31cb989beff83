import {
  describeField,
  FICHE_FIELD_LABELS,
  type FicheField,
  type FieldChange,
  type IndicatorTarget,
} from '../../domain/fiche-content.js';
import { DECISION_OUTCOME_LABELS, STAGE_LABELS } from '../../domain/lifecycle/labels.js';
import type { Evaluation } from '../../domain/lifecycle/model.js';
import { type Stage } from '../../domain/lifecycle/vocabulary.js';
import type { AgendaEntry, FicheVersionView } from '../../domain/fiche-views.js';
import type { FichePageRow } from '../../store/fiches/find-fiche-page.js';
import type { TimelineEntry } from '../../client/history-timeline.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';
import { timelineList } from './timeline-list.js';
import type { OpenStep } from '../../domain/lifecycle/reader-steps.js';
import type { FicheContentChoices } from '../../store/fiches/find-content-choices.js';
import { contentForm, frenchText, type ContentFormState } from './fiche-content-form.js';
import { stepForms, type StepFailure } from './fiche-step-forms.js';

export interface FichePageView {
  fiche: FichePageRow;
  versions: FicheVersionView[];
  /** People's steps and mails of the fiche's workflow; null when it cannot be read. */
  timeline: TimelineEntry[] | null;
  /** The steps its reader may take and what the fiche waits for; null when the workflow cannot be read. */
  steps: {
    steps: OpenStep[];
    notice: string | null;
    agenda: AgendaEntry | null;
    /** The indicators of the version in force, which an evaluation measures. */
    indicators?: readonly IndicatorTarget[];
  } | null;
  /** The yearly evaluations recorded, oldest first; null when the workflow cannot be read. */
  evaluations: readonly Evaluation[] | null;
  /** A step form refused, shown again with its input and its error. */
  stepFailure: StepFailure | null;
  /** The content's form, for a reader who may write the draft now; else the content is read-only. */
  contentForm: { choices: FicheContentChoices; state: ContentFormState } | null;
  /** What the last action did (post/redirect/get). */
  done: string | null;
  /** When the version under review went back to its draft: who last decided on it, when, and what changed since. */
  sinceSeen: { by: string; at: Date; changes: FieldChange[] } | null;
  /** A refusal no form on the page shows. */
  refused: string | null;
}

const FIELDS = Object.keys(FICHE_FIELD_LABELS) as FicheField[];

/** A version's content, read-only: each field's label and its value. */
export function contentList(version: FicheVersionView): string {
  return `<dl>${FIELDS.map(
    (field) =>
      `<dt>${escapeHtml(FICHE_FIELD_LABELS[field])}</dt>` +
      `<dd>${escapeHtml(describeField(version.content, field))}</dd>`,
  ).join('')}</dl>`;
}

/** Fields side by side: as they were, as they are. */
function changesTable(changes: readonly FieldChange[], caption: string, columns: [string, string]): string {
  const rows = changes.map(
    (c) =>
      `<tr><th scope="row">${escapeHtml(c.label)}</th><td><del>${escapeHtml(c.before)}</del></td><td>` +
      `<ins>${escapeHtml(c.after)}</ins></td></tr>`,
  );
  return (
    `<table><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">Champ</th>` +
    `<th scope="col">${escapeHtml(columns[0])}</th><th scope="col">${escapeHtml(columns[1])}</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function versionChanges(version: FicheVersionView): string {
  if (version.changes.length === 0) return '<p>Aucun changement de contenu par rapport à la version précédente.</p>';
  return changesTable(version.changes, `Changements de la version ${version.version}`, ['Avant', 'Après']);
}

/** What the draft's edits changed since the body last decided on this version. */
function sinceSeen(seen: NonNullable<FichePageView['sinceSeen']>): string {
  const when = `${seen.by} l’a examinée le ${frenchInstant(seen.at)}`;
  return seen.changes.length === 0
    ? `<p>Aucun changement depuis que ${escapeHtml(when)}.</p>`
    : changesTable(seen.changes, `Ce qui a changé depuis que ${when}`, ['Ce qu’elle a lu', 'Maintenant']);
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

/** Each year's evaluation: its summary and the indicators' values against their targets. */
function evaluationList(evaluations: readonly Evaluation[]): string {
  if (evaluations.length === 0) return '<p>Aucune évaluation enregistrée.</p>';
  return evaluations
    .map((e) => {
      const measured = (e.indicators ?? []).map(
        (i) =>
          `<li>${escapeHtml(i.label)} : ${escapeHtml(frenchText(i.value))}${i.unit ? ` ${escapeHtml(i.unit)}` : ''}` +
          `${i.target === undefined ? '' : ` (cible : ${escapeHtml(frenchText(i.target))})`}</li>`,
      );
      return (
        `<section aria-labelledby="evaluation-${e.year}"><h3 id="evaluation-${e.year}">Année ${e.year}</h3>` +
        `<p>${escapeHtml(e.summary)}</p>` +
        `<p>Enregistrée le ${escapeHtml(frenchInstant(e.at))} par ${escapeHtml(e.by)} (version ${e.version}).</p>` +
        (measured.length ? `<ul class="indicators">${measured.join('')}</ul>` : '') +
        '</section>'
      );
    })
    .join('');
}

/**
 * A fiche action: the steps its reader may take, its content (a form for who may write it), what
 * each version changed, its decisions and its timeline.
 */
export function fichePage(view: FichePageView, viewer: PageViewer | null): string {
  const { fiche, versions } = view;
  const latest = versions.at(-1);
  const title = latest?.content.title ?? fiche.code;
  return renderAppPage({
    title: `${fiche.code} ${title}`,
    current: '/',
    viewer,
    notice: view.done,
    body: [
      `<h1>${escapeHtml(fiche.code)} — ${escapeHtml(title)}</h1>`,
      '<dl>',
      `<dt>Étape</dt><dd>${escapeHtml(STAGE_LABELS[fiche.status as Stage] ?? fiche.status)}</dd>`,
      `<dt>Rédigée par</dt><dd>${escapeHtml(fiche.authorEmail)}</dd>`,
      fiche.gtt ? `<dt>Groupe de travail</dt><dd>${escapeHtml(fiche.gtt.name)}</dd>` : '',
      `<dt>Version</dt><dd>${latest?.version ?? 1} (${escapeHtml(latest?.state ?? '')})</dd>`,
      '</dl>',
      view.refused ? `<div class="alert failed" role="alert">${escapeHtml(view.refused)}</div>` : '',
      '<h2 id="etapes">Étapes</h2>',
      view.steps
        ? stepForms(fiche.id, view.steps, view.steps.agenda, view.stepFailure, viewer)
        : '<p>Les étapes de cette fiche ne sont pas lisibles pour l’instant (Temporal injoignable ?).</p>',
      '<h2 id="contenu">Contenu</h2>',
      view.contentForm
        ? contentForm(fiche.id, view.contentForm.choices, view.contentForm.state, viewer)
        : latest
          ? contentList(latest)
          : '<p>Aucun contenu enregistré.</p>',
      '<h2>Versions</h2>',
      view.sinceSeen ? sinceSeen(view.sinceSeen) : '',
      versions.length <= 1
        ? '<p>Une seule version pour l’instant.</p>'
        : versions.slice(1).reverse().map(versionChanges).join(''),
      '<h2>Décisions</h2>',
      decisions(fiche),
      view.evaluations ? `<h2>Évaluations annuelles</h2>${evaluationList(view.evaluations)}` : '',
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
