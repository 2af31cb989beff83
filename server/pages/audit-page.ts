import type { AuditLine } from '../../store/audit/list-audit-events.js';
import { UPDATE_LABELS } from '../../client/timeline-labels.js';
import { parseAuditFilter, type AuditFilter } from '../../domain/audit-filter.js';
import { DomainError } from '../../domain/errors.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';

/** What the audit log's actions mean, beyond the workflows' updates (named in history-timeline.ts). */
const OTHER_ACTIONS: Readonly<Record<string, string>> = {
  'fiche.create': 'Fiche créée',
  'meeting.rsvp': 'Réponse à une invitation',
  'poll.vote': 'Réponse au sondage',
  'poll.start': 'Sondage lancé',
  'calendar.rules': 'Règles du calendrier',
  'convention.import': 'Configuration importée',
  'convention.importMembers': 'Membres importés (CSV)',
  'convention.loadDemo': 'Démonstration chargée',
  signin: 'Connexion',
  'signin.refused': 'Connexion refusée',
  'signin.limited': 'Lien de connexion refusé (trop de demandes)',
  'token.create': 'Jeton d’API créé',
  'token.revoke': 'Jeton d’API révoqué',
  'signout.everywhere': 'Déconnexion de toutes les sessions',
  'meeting.schedule': 'Réunion programmée',
  'meeting.convene': 'Convocation envoyée',
  'milestone.move': 'Jalon déplacé',
  'poll.create': 'Sondage créé',
  'poll.clos': 'Sondage clos',
  'poll.departage': 'Sondage à départager',
  'poll.ouvert': 'Sondage ouvert',
};

/** An audit action in French: `fiche.submit` → « Soumission de la fiche ». */
export function auditActionLabel(action: string): string {
  return OTHER_ACTIONS[action] ?? UPDATE_LABELS[action.slice(action.indexOf('.') + 1)] ?? action;
}

const SUBJECT_PAGES: Readonly<Record<string, string>> = {
  fiche: '/fiches/',
  meeting: '/reunions/',
  poll: '/sondages/',
};

function subjectCell(subject: string): string {
  const [kind, id] = subject.split(':', 2) as [string, string | undefined];
  const page = SUBJECT_PAGES[kind];
  return page && id ? `<a href="${page}${encodeURIComponent(id)}">${escapeHtml(subject)}</a>` : escapeHtml(subject);
}

export const AUDIT_PAGE_SIZE = 100;

/** The filter's fields as typed in the form (kept as given, for the form and the links). */
export interface AuditFilterFields {
  since?: string;
  until?: string;
  actor?: string;
  action?: string;
}

/** What the form offers to choose: every kind of subject, then each action with a French name. */
const ACTION_CHOICES: ReadonlyArray<[string, string]> = [
  ['fiche', 'Fiches : tout'],
  ['meeting', 'Réunions : tout'],
  ['poll', 'Sondages : tout'],
  ['signin', 'Connexions : tout'],
  ['token', 'Jetons d’API : tout'],
  ['convention', 'Conventions : tout'],
  ...Object.entries(OTHER_ACTIONS),
];

/** The filter the form gives, read as the API reads it; or its errors by field, in French. */
export function auditFilterOrErrors(
  fields: AuditFilterFields,
): { filter: AuditFilter } | { errors: Partial<Record<keyof AuditFilterFields, string>> } {
  try {
    return { filter: parseAuditFilter(fields) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issues = error.issues?.length ? error.issues : [{ field: error.field ?? 'since', message: error.message }];
    const errors: Partial<Record<keyof AuditFilterFields, string>> = {};
    for (const issue of issues) {
      const name = (['since', 'until', 'actor', 'action'] as const).find((f) => f === issue.field) ?? 'since';
      errors[name] ??= issue.message;
    }
    return { errors };
  }
}

/** The query of the current filter (and page), for the links that keep it. */
export function auditQuery(fields: AuditFilterFields, page?: number): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value) query.set(key, value);
  if (page && page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `?${text}` : '';
}

function filterForm(fields: AuditFilterFields, errors: Partial<Record<keyof AuditFilterFields, string>>): string {
  const input = (name: keyof AuditFilterFields, label: string, type: string) => {
    const error = errors[name];
    return (
      `<div class="field"><label for="audit-${name}">${label}</label> <input id="audit-${name}" name="${name}" ` +
      `type="${type}" value="${escapeHtml(fields[name] ?? '')}"` +
      (error ? ` aria-invalid="true" aria-describedby="audit-${name}-erreur">` : '>') +
      (error ? `<p class="failed" id="audit-${name}-erreur">${escapeHtml(error)}</p>` : '') +
      '</div>'
    );
  };
  const options = ACTION_CHOICES.map(
    ([value, label]) =>
      `<option value="${escapeHtml(value)}"${value === fields.action ? ' selected' : ''}>${escapeHtml(label)}</option>`,
  );
  return (
    '<form method="get" action="/admin/journal" class="inline" aria-label="Filtrer le journal">' +
    input('since', 'Depuis le', 'date') +
    input('until', 'Jusqu’au (inclus)', 'date') +
    input('actor', 'Qui (adresse)', 'text') +
    '<div class="field"><label for="audit-action">Action</label> <select id="audit-action" name="action">' +
    `<option value="">Toutes</option>${options.join('')}</select></div>` +
    '<div><button type="submit">Filtrer</button> <a href="/admin/journal">Tout afficher</a></div></form>'
  );
}

/** The audit log, newest first, a page at a time, with its filter and its CSV export. */
export function auditPage(
  log: { total: number; lines: AuditLine[] },
  page: number,
  fields: AuditFilterFields,
  viewer: PageViewer | null,
  errors: Partial<Record<keyof AuditFilterFields, string>> = {},
): string {
  const rows = log.lines.map(
    (l) =>
      `<tr><td>${escapeHtml(frenchInstant(l.at))}</td><td>${escapeHtml(l.actor)}</td>` +
      `<td>${escapeHtml(auditActionLabel(l.action))}</td><td>${subjectCell(l.subject)}</td><td>` +
      `<code>${escapeHtml(l.details ? JSON.stringify(l.details) : '')}</code></td></tr>`,
  );
  const pages = Math.max(1, Math.ceil(log.total / AUDIT_PAGE_SIZE));
  const nav = [
    page > 1 ? `<a href="/admin/journal${escapeHtml(auditQuery(fields, page - 1))}">Page précédente</a>` : '',
    page < pages ? `<a href="/admin/journal${escapeHtml(auditQuery(fields, page + 1))}">Page suivante</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return renderAppPage({
    title: 'Journal',
    current: '/admin/journal',
    viewer,
    body: [
      '<h1>Journal</h1>',
      '<p>Chaque acte enregistré : qui, quoi, sur quoi, quand.</p>',
      Object.keys(errors).length
        ? '<p role="alert" class="failed">Le filtre est à corriger : voir le champ signalé.</p>'
        : '',
      filterForm(fields, errors),
      `<p><a href="/api/audit.csv${escapeHtml(auditQuery(fields))}" download>Exporter ces lignes en CSV</a></p>`,
      log.lines.length
        ? '<div class="scroll" role="region" aria-label="Lignes du journal" tabindex="0">' +
          `<table><caption>Page ${page} sur ${pages} (${log.total} lignes)</caption><thead><tr><th scope="col">` +
          `Date</th><th scope="col">Qui</th><th scope="col">Action</th><th scope="col">Sur</th><th scope="col">` +
          `Détails</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
        : '<p>Aucune ligne ne répond à ce filtre.</p>',
      nav ? `<nav aria-label="Pages du journal">${nav}</nav>` : '',
    ],
  });
}
