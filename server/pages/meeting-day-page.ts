import { decisionSummary } from '../../domain/decision-summary.js';
import { DECISION_OUTCOME_LABELS } from '../../domain/lifecycle/labels.js';
import type { OpenStep } from '../../domain/lifecycle/reader-steps.js';
import type { MeetingPageAgendaItem, MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import { seatSummary } from '../../domain/meeting-seats.js';
import { countAttendance, recordedAttendance } from '../../store/meetings/meeting-seats.js';
import { attendanceForm, QUORUM_SCRIPT_PATH, type AttendanceRow } from './attendance-page.js';
import { stepForms, type StepFailure } from './fiche-step-forms.js';
import { frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/**
 * The secretary's page on the day of a meeting: attendance with the quorum recounted as the rows
 * are ticked; each item of the ordre du jour with its avis or decision recorded in place (for a
 * fiche, the form of its lifecycle step for this body, the fiche page's own; for a free item, the
 * decision's text); the relevé de décisions as it will be sent; the compte rendu uploaded.
 */

/** What a fiche's item offers: the steps its reader may take for this body, or what it waits for. */
export interface FicheItemSteps {
  steps: OpenStep[];
  notice: string | null;
}

/** Input of {@link meetingDayPage}. */
export interface MeetingDay {
  meeting: MeetingPageRow;
  rows: AttendanceRow[];
  /** By fiche id; absent when its workflow could not be read. */
  ficheSteps: ReadonlyMap<string, FicheItemSteps>;
  /** Whether the relevé may be sent now (attendance recorded); it may be published then too. */
  maySendSummary: boolean;
  /** When the relevé was published on the convention's public page, and by when it is due. */
  publication: { publishedAt: Date | null; due: Date; publicUrl: string };
  /** Whether the compte rendu may be uploaded now (attendance recorded). */
  mayFileMinutes: boolean;
  notice: string | null;
  /** A refusal shown beside the item it is about (by agenda item id), or beside the upload. */
  failure?: { itemId: string; step?: StepFailure; text?: { value: string; message: string } } | null;
  minutesError?: string | null;
}

const itemAnchor = (item: Pick<MeetingPageAgendaItem, 'id'>) => `point-${item.id}`;

/** The decisions recorded at this meeting on the item's fiche. */
function recorded(meeting: MeetingPageRow, item: MeetingPageAgendaItem): string {
  const taken = meeting.decisions.filter((d) => d.fiche.id === item.fiche?.id);
  if (taken.length === 0) return '';
  return `<ul>${taken
    .map(
      (d) =>
        `<li class="ok">Enregistré : ${escapeHtml(DECISION_OUTCOME_LABELS[d.outcome] ?? d.outcome)}` +
        `${d.comment ? ` — ${escapeHtml(d.comment)}` : ''}</li>`,
    )
    .join('')}</ul>`;
}

function freeItemForm(day: MeetingDay, item: MeetingPageAgendaItem, viewer: PageViewer | null): string {
  const id = `decision-${item.id}`;
  const failed = day.failure?.itemId === item.id ? day.failure.text : undefined;
  const value = failed?.value ?? item.decisionText ?? '';
  const invalid = failed ? ` aria-invalid="true" aria-describedby="${id}-erreur"` : '';
  return (
    (item.decisionText && item.decidedAt
      ? `<p class="ok">Décision enregistrée le ${escapeHtml(frenchInstant(item.decidedAt))}.</p>`
      : '') +
    `<form method="post" action="/reunions/${encodeURIComponent(day.meeting.id)}/seance/points/` +
    `${encodeURIComponent(item.id)}" novalidate>${csrfField(viewer)}` +
    `<div class="field"><label for="${id}">Décision prise sur ce point</label>` +
    `<textarea id="${id}" name="decision" rows="3" maxlength="2000"${invalid}>${escapeHtml(value)}</textarea></div>` +
    (failed ? `<p class="failed" id="${id}-erreur">${escapeHtml(failed.message)}</p>` : '') +
    `<p class="actions"><button type="submit">Enregistrer la décision sur « ${escapeHtml(item.title)} »</button></p>` +
    '</form>'
  );
}

function ficheItem(day: MeetingDay, item: MeetingPageAgendaItem, viewer: PageViewer | null): string {
  const fiche = item.fiche!;
  const open = day.ficheSteps.get(fiche.id);
  const failure = day.failure?.itemId === item.id ? (day.failure.step ?? null) : null;
  const base = `/reunions/${encodeURIComponent(day.meeting.id)}/seance/fiches/${encodeURIComponent(fiche.id)}`;
  return (
    `<p><a href="/fiches/${encodeURIComponent(fiche.id)}">Voir la fiche ${escapeHtml(fiche.code)}</a></p>` +
    recorded(day.meeting, item) +
    (open
      ? stepForms(fiche.id, open, null, failure, viewer, {
          action: (step) => `${base}/${step.kind}`,
          idPrefix: `${itemAnchor(item)}-`,
        })
      : '<p class="failed">L’état de la fiche ne peut pas être lu pour l’instant : rechargez la page.</p>')
  );
}

function agendaSection(day: MeetingDay, viewer: PageViewer | null): string {
  if (day.meeting.agenda.length === 0) return '<p>L’ordre du jour est vide.</p>';
  return day.meeting.agenda
    .map(
      (item, i) =>
        `<section id="${itemAnchor(item)}" aria-labelledby="${itemAnchor(item)}-h">` +
        `<h3 id="${itemAnchor(item)}-h">${i + 1}. ${escapeHtml(item.title)}</h3>` +
        (item.note ? `<p class="muted">${escapeHtml(item.note)}</p>` : '') +
        (item.fiche ? ficheItem(day, item, viewer) : freeItemForm(day, item, viewer)) +
        '</section>',
    )
    .join('');
}

/** The relevé as it will be sent, and the button that sends it once attendance is in. */
function summarySection(day: MeetingDay, viewer: PageViewer | null): string {
  const lines = decisionSummary(
    day.meeting.agenda.map((a) => ({ title: a.title, ficheId: a.fiche?.id ?? null, decisionText: a.decisionText })),
    day.meeting.decisions.map((d) => ({ ...d, ficheId: d.fiche.id })),
  );
  const list = lines.length
    ? `<ul>${lines
        .map(
          (l) =>
            `<li>${escapeHtml(l.item)} : ${escapeHtml(l.outcome)}` +
            `${l.comment ? ` <span class="muted">(${escapeHtml(l.comment)})</span>` : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p>Aucune décision enregistrée pour l’instant.</p>';
  const { meeting } = day;
  const count = countAttendance(meeting.seats, recordedAttendance(meeting.invitations));
  const sat = meeting.status === 'tenue' ? `<p>Présences : ${escapeHtml(seatSummary(count))}.</p>` : '';
  const send = day.maySendSummary
    ? `<form method="post" action="/reunions/${encodeURIComponent(day.meeting.id)}/releve">${csrfField(viewer)}` +
      '<input type="hidden" name="retour" value="seance">' +
      '<button type="submit">Envoyer le relevé de décisions</button></form>'
    : '<p class="waiting">Le relevé s’envoie une fois les présences enregistrées.</p>';
  return sat + list + send + publicationForm(day, viewer);
}

/** « Publier le relevé »: on the convention's public page, within the week after the meeting. */
function publicationForm(day: MeetingDay, viewer: PageViewer | null): string {
  const { publishedAt, due, publicUrl } = day.publication;
  const page = `<a href="${escapeHtml(publicUrl)}">page publique des décisions</a>`;
  if (publishedAt)
    return `<p class="ok">Relevé publié le ${escapeHtml(frenchInstant(publishedAt))} sur la ${page}.</p>`;
  if (!day.maySendSummary) return '';
  return (
    `<form method="post" action="/reunions/${encodeURIComponent(day.meeting.id)}/releve/publier">` +
    `${csrfField(viewer)}<p>À publier avant le ${escapeHtml(frenchInstant(due))} sur la ${page} : ` +
    'les instances, les fiches et les décisions y sont lisibles par tous, sans les noms des membres ' +
    'ni les commentaires.</p><button type="submit">Publier le relevé</button></form>'
  );
}

function minutesSection(day: MeetingDay, viewer: PageViewer | null): string {
  const id = encodeURIComponent(day.meeting.id);
  const file = day.meeting.minutesFile;
  const filed = file
    ? `<p class="ok">Compte rendu déposé le ${escapeHtml(frenchInstant(file.uploadedAt))} et envoyé aux membres : ` +
      `<a href="/reunions/${id}/compte-rendu.pdf">télécharger le compte rendu (PDF)</a>.</p>`
    : '';
  if (file || !day.mayFileMinutes)
    return filed || '<p class="waiting">Le compte rendu se dépose une fois les présences enregistrées.</p>';
  const error = day.minutesError;
  return (
    `<form method="post" action="/reunions/${id}/compte-rendu" enctype="multipart/form-data" novalidate>` +
    csrfField(viewer) +
    '<div class="field"><label for="compte-rendu">Compte rendu (PDF, 10 Mo au plus)</label>' +
    '<input type="file" id="compte-rendu" name="fichier" accept="application/pdf,.pdf" required' +
    (error ? ' aria-invalid="true" aria-describedby="compte-rendu-erreur"' : '') +
    '></div>' +
    (error ? `<p class="failed" id="compte-rendu-erreur">${escapeHtml(error)}</p>` : '') +
    '<p class="actions"><button type="submit">Déposer et envoyer le compte rendu</button></p></form>'
  );
}

/** The séance's page. */
export function meetingDayPage(day: MeetingDay, viewer: PageViewer | null): string {
  const { meeting } = day;
  const refused = day.failure || day.minutesError;
  return renderAppPage({
    title: `Séance — ${meeting.title}`,
    current: '/calendrier',
    viewer,
    scripts: [QUORUM_SCRIPT_PATH],
    body: [
      `<h1>Séance — ${escapeHtml(meeting.title)}</h1>`,
      day.notice ? `<p role="status" class="ok">${escapeHtml(day.notice)}</p>` : '',
      refused ? '<p role="alert" class="failed">L’enregistrement a échoué : voir le point signalé.</p>' : '',
      `<p>Réunion « <a href="/reunions/${encodeURIComponent(meeting.id)}">${escapeHtml(meeting.title)}</a> » du ` +
        `${escapeHtml(frenchInstant(meeting.startsAt))}.</p>`,
      '<h2>Présences</h2>',
      attendanceForm({ meeting, rows: day.rows, errors: new Map(), back: 'seance' }, viewer),
      '<h2>Ordre du jour : avis et décisions</h2>',
      agendaSection(day, viewer),
      '<h2>Relevé de décisions</h2>',
      summarySection(day, viewer),
      '<h2>Compte rendu</h2>',
      minutesSection(day, viewer),
    ],
  });
}
