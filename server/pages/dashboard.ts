import { randomUUID } from 'node:crypto';
import { workingGroupOf, type WorkingGroup } from '../../domain/fiche.js';
import { STAGE_LABELS } from '../../domain/lifecycle/labels.js';
import { STAGES } from '../../domain/lifecycle/vocabulary.js';
import { formatFrenchDate, localDateKey, toLocal } from '../../domain/paris-time.js';
import type { FicheSummary } from '../../domain/fiche-views.js';
import type { FicheDeadline } from '../../client/fiche-deadlines.js';
import type { MeetingListItem } from '../../store/meetings/list-meetings-between.js';
import type { MilestoneListItem } from '../../store/conventions/list-milestones-between.js';
import type { PollListItem } from '../../store/polls/list-polls.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { capitalized, frenchDay, frenchInstant, MEETING_STATUS_LABELS } from './format.js';
import { signatureSection, type SignatureSectionView } from './convention-signature-section.js';
import { select } from './fiche-content-form.js';

export interface DashboardView {
  convention: { name: string; slug: string };
  deadlines: FicheDeadline[];
  fiches: FicheSummary[];
  meetings: MeetingListItem[];
  milestones: MilestoneListItem[];
  polls: PollListItem[];
  /** The convention's GTTs, each saying whether the reader sits in it: the new fiche's form offers them. */
  workingGroups: WorkingGroup[];
  signature: Omit<SignatureSectionView, 'viewer'>;
  /** What the reader just did (?fait=). */
  notice: string | null;
}

function board(fiches: FicheSummary[]): string {
  const columns = STAGES.map((stage) => {
    const here = fiches.filter((f) => f.status === stage);
    const cards = here.map(
      (f) =>
        `<li class="card"><a href="/fiches/${encodeURIComponent(f.id)}">${escapeHtml(f.code)} ` +
        `— ${escapeHtml(f.title)}</a>${
          f.pilote ? `<br><span class="muted">Pilote : ${escapeHtml(f.pilote)}</span>` : ''
        }</li>`,
    );
    return (
      `<li class="column"><h3>${escapeHtml(capitalized(STAGE_LABELS[stage]))} ` +
      `(${here.length})</h3>${cards.length ? `<ul>${cards.join('')}</ul>` : '<p>Aucune fiche.</p>'}</li>`
    );
  });
  return `<ul class="board" aria-label="Fiches actions par étape">${columns.join('')}</ul>`;
}

function meetingsTable(meetings: MeetingListItem[]): string {
  if (meetings.length === 0) return '<p>Aucune réunion à venir.</p>';
  const rows = meetings.map(
    (m) =>
      `<tr><td>${escapeHtml(frenchInstant(m.startsAt))}</td><td>${escapeHtml(m.instance)}</td><td>` +
      `<a href="/reunions/${encodeURIComponent(m.id)}">${escapeHtml(m.title)}</a></td>` +
      `<td>${escapeHtml(MEETING_STATUS_LABELS[m.status] ?? m.status)}</td><td>${m.accepted} sur ${m.invited}</td></tr>`,
  );
  return (
    `<table><thead><tr><th scope="col">Date</th><th scope="col">Instance</th><th scope="col">Réunion</th>` +
    `<th scope="col">État</th><th scope="col">Présences annoncées</th></tr></thead><tbody>${rows.join('')}</tbody>` +
    `</table>`
  );
}

function deadlines(fiches: FicheDeadline[], milestones: MilestoneListItem[], polls: PollListItem[]): string {
  const ficheLink = (d: FicheDeadline) =>
    `<a href="/fiches/${encodeURIComponent(d.fiche.id)}">${escapeHtml(d.fiche.code)} ${escapeHtml(d.fiche.title)}</a>`;
  const items = [
    ...fiches.flatMap((d) =>
      d.reminder || d.escalation
        ? [
            {
              key: localDateKey(new Date((d.reminder ?? d.escalation)!)),
              html: `${ficheLink(d)} : ${escapeHtml(d.what ?? 'décision attendue')}${
                d.reminder ? ` — relance le ${escapeHtml(frenchInstant(d.reminder))}` : ''
              }${d.escalation ? ` — alerte des coordinateurs le ${escapeHtml(frenchInstant(d.escalation))}` : ''}`,
            },
          ]
        : d.evaluation
          ? [
              {
                key: localDateKey(new Date(d.evaluation)),
                html: `${ficheLink(d)} : évaluation annuelle attendue le ${escapeHtml(frenchInstant(d.evaluation))}`,
              },
            ]
          : [],
    ),
    ...polls
      .filter((p) => p.status === 'ouvert' && p.deadline)
      .map((p) => ({
        key: localDateKey(p.deadline!),
        html:
          `Réponses au sondage <a href="/sondages/${encodeURIComponent(p.id)}">${escapeHtml(p.title)}</a>` +
          ` attendues avant le ${escapeHtml(frenchInstant(p.deadline!))} (${p.answered} sur ${p.participants})`,
      })),
    ...milestones.map((m) => ({
      key: m.startDate,
      html: `${escapeHtml(frenchDay(m.startDate))}${
        m.endDate && m.endDate !== m.startDate ? ` au ${escapeHtml(frenchDay(m.endDate))}` : ''
      } : ${escapeHtml(m.title)}`,
    })),
  ].sort((a, b) => a.key.localeCompare(b.key));
  return items.length
    ? `<ul>${items.map((i) => `<li>${i.html}</li>`).join('')}</ul>`
    : '<p>Aucune échéance à venir.</p>';
}

/** Which GTT drafts the new fiche: the reader's when they sit in one; its members are told of each step. */
function workingGroupField(groups: readonly WorkingGroup[]): string {
  if (groups.length === 0) return '';
  return select(
    { values: { gtt: workingGroupOf(groups, undefined) ?? '' }, errors: {} },
    'gtt',
    'Groupe de travail (GTT)',
    groups.map((g) => ({ value: g.slug, label: g.name })),
    'Aucun en particulier : tous les GTT sont informés',
  );
}

/** The dashboard: the fiches by stage as a board, the next meetings, the deadlines and milestones. */
export function dashboardPage(view: DashboardView, viewer: PageViewer | null, today: Date): string {
  return renderAppPage({
    title: 'Tableau de bord',
    current: '/',
    viewer,
    notice: view.notice,
    body: [
      `<h1>Tableau de bord <span class="muted">${escapeHtml(view.convention.name)}</span></h1>`,
      `<p class="muted">Aujourd’hui : ${escapeHtml(formatFrenchDate(toLocal(today, 'Europe/Paris')))}.</p>`,
      '<h2>Fiches actions par étape</h2>',
      board(view.fiches),
      '<h2>Nouvelle fiche action</h2>',
      `<form class="inline" method="post" action="/fiches">${csrfField(viewer)}<input type="hidden" ` +
        `name="convention" value="${escapeHtml(view.convention.slug)}">` +
        `<input type="hidden" name="envoi" value="${randomUUID()}"><div><label for="fiche-title">` +
        `Titre de la fiche</label><input id="fiche-title" name="title" required maxlength="200" size="40"></div>` +
        workingGroupField(view.workingGroups) +
        `<button type="submit">Créer le brouillon</button></form>`,
      '<h2>Prochaines réunions</h2>',
      meetingsTable(view.meetings),
      '<h2>Échéances et jalons</h2>',
      deadlines(view.deadlines, view.milestones, view.polls),
      signatureSection({ ...view.signature, viewer }),
    ],
  });
}
