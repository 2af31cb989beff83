import { DECISION_OUTCOME_LABELS } from '../../domain/lifecycle/labels.js';
import { PARTSTAT_LABELS, type PartStat } from '../../domain/meeting-rules.js';
import type { AuditLine } from '../../store/audit/list-audit-events.js';
import type { MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import type { MeetingPageActions } from './meeting-form-routes.js';
import { frenchInstant, frenchMeetingWhen, MEETING_STATUS_LABELS } from './format.js';

const ATTENDANCE_LABELS: Readonly<Record<string, string>> = {
  present: 'présent·e',
  excuse: 'excusé·e',
  absent: 'absent·e',
  represente: 'représenté·e',
};
const SOURCE_LABELS: Readonly<Record<string, string>> = { link: 'par le lien du courriel', imip: 'depuis son agenda' };
const AGENDA_KIND_LABELS: Readonly<Record<string, string>> = {
  information: 'information',
  decision: 'décision',
  avis: 'avis',
};

function agenda(meeting: MeetingPageRow): string {
  if (meeting.agenda.length === 0) return '<p>L’ordre du jour est vide pour l’instant.</p>';
  return `<ol>${meeting.agenda
    .map(
      (item) =>
        `<li>${
          item.fiche
            ? `<a href="/fiches/${encodeURIComponent(item.fiche.id)}">${escapeHtml(item.title)}</a>`
            : escapeHtml(item.title)
        } <span class="muted">(${escapeHtml(AGENDA_KIND_LABELS[item.kind] ?? item.kind)})</span>` +
        `${item.note ? `<br><span class="muted">${escapeHtml(item.note)}</span>` : ''}` +
        `${item.decisionText ? `<br>Décision : ${escapeHtml(item.decisionText)}` : ''}</li>`,
    )
    .join('')}</ol>`;
}

/** « adresse refusée le … : 550 5.1.1 … » under an address a mail server refused for good. */
function refusal(person: { mailRefusedAt: Date | null; mailRefusal: string | null }): string {
  if (!person.mailRefusedAt) return '';
  const answer = person.mailRefusal ? ` : ${person.mailRefusal}` : '';
  const text = `adresse refusée le ${frenchInstant(person.mailRefusedAt)}${answer}`;
  return `<br><span class="failed">${escapeHtml(text)}</span>`;
}

function invitations(meeting: MeetingPageRow): string {
  if (meeting.invitations.length === 0) return '<p>Personne n’est encore convoqué.</p>';
  const counts = new Map<string, number>();
  for (const i of meeting.invitations) counts.set(i.partstat, (counts.get(i.partstat) ?? 0) + 1);
  const summary = [...counts]
    .map(([partstat, n]) => `${n} ${PARTSTAT_LABELS[partstat as PartStat] ?? partstat}`)
    .join(', ');
  const rows = meeting.invitations.map(
    (i) =>
      `<tr><td>${escapeHtml(i.person.displayName)}</td><td>${escapeHtml(i.person.email)}${refusal(i.person)}</td>` +
      `<td>${escapeHtml(PARTSTAT_LABELS[i.partstat as PartStat] ?? i.partstat)}${
        i.respondedAt
          ? ` <span class="muted">(${escapeHtml(frenchInstant(i.respondedAt))}${
              i.rsvpSource ? `, ${escapeHtml(SOURCE_LABELS[i.rsvpSource] ?? i.rsvpSource)}` : ''
            })</span>`
          : ''
      }</td><td>${escapeHtml(i.attendance ? (ATTENDANCE_LABELS[i.attendance] ?? i.attendance) : '—')}</td></tr>`,
  );
  return (
    `<p>${escapeHtml(summary)}.</p><table><thead><tr><th scope="col">Membre</th><th scope="col">Adresse</th>` +
    `<th scope="col">Réponse</th><th scope="col">Présence</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/**
 * A mailing of the meeting's workflow by its ledger occasion (`convocation-1`, `reminder-…-J7`, `update-2`…), in
 * French.
 */
function occasionLabel(occasion: string): string {
  const reminder = /-J(\d+)$/.exec(occasion);
  if (occasion.startsWith('reminder-') && reminder) return `Rappel J-${reminder[1]}`;
  const kind = occasion.replace(/-.*$/, '');
  const labels: Readonly<Record<string, string>> = {
    convocation: 'Convocation',
    update: 'Mise à jour',
    cancel: 'Annulation',
    decisions: 'Relevé de décisions',
    minutes: 'Rappel du compte rendu',
    filed: 'Compte rendu',
    counter: 'Proposition non retenue',
  };
  return labels[kind] ?? occasion;
}

/**
 * How far each mailing is: sent, being retried, failed, out of the members convened (the ledger
 * has a line for a recipient once their mail is first tried).
 */
function mailings(meeting: MeetingPageRow): string {
  if (meeting.mails.length === 0) return '<p>Aucun envoi pour l’instant.</p>';
  const prefix = `${meeting.workflowId}:`;
  const byOccasion = new Map<string, { sent: number; failed: number; pending: number }>();
  for (const mail of meeting.mails) {
    if (!mail.idempotencyKey.startsWith(prefix)) continue;
    const occasion = mail.idempotencyKey.slice(prefix.length, mail.idempotencyKey.lastIndexOf(':'));
    const tally = byOccasion.get(occasion) ?? { sent: 0, failed: 0, pending: 0 };
    if (mail.status === 'sent') tally.sent += 1;
    else if (mail.status === 'failed') tally.failed += 1;
    else tally.pending += 1;
    byOccasion.set(occasion, tally);
  }
  const total = meeting.invitations.length;
  const rows = [...byOccasion].map(
    ([occasion, t]) =>
      `<tr><td>${escapeHtml(occasionLabel(occasion))}</td>` +
      `<td>${t.sent} sur ${Math.max(total, t.sent + t.failed + t.pending)}</td><td>${t.pending}</td>` +
      `<td${t.failed ? ' class="failed"' : ''}>${t.failed}</td></tr>`,
  );
  return (
    `<table><thead><tr><th scope="col">Envoi</th><th scope="col">Envoyés</th><th scope="col">En cours</th>` +
    `<th scope="col">En échec</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/**
 * The other times members proposed from their calendar (COUNTER), for whoever may move the meeting:
 * accept moves it there (the members get the update), decline tells the proposer it stays.
 */
function counterProposals(meeting: MeetingPageRow, viewer: PageViewer | null): string {
  if (meeting.counterProposals.length === 0) return '';
  const id = encodeURIComponent(meeting.id);
  const items = meeting.counterProposals.map((proposal, index) => {
    const action = `/reunions/${id}/propositions/${encodeURIComponent(proposal.id)}`;
    const commentId = `proposition-${index}-motif`;
    return (
      `<li><p><strong>${escapeHtml(proposal.person.displayName)}</strong> propose le ` +
      `${escapeHtml(frenchMeetingWhen(proposal.startsAt, proposal.endsAt))} ` +
      `<span class="muted">(reçu le ${escapeHtml(frenchInstant(proposal.receivedAt))})</span>` +
      `${proposal.comment ? `<br>« ${escapeHtml(proposal.comment)} »` : ''}</p>` +
      `<form method="post" action="${action}/accepter">${csrfField(viewer)}` +
      '<button type="submit">Accepter : déplacer la réunion à cet horaire</button></form>' +
      `<form method="post" action="${action}/refuser">${csrfField(viewer)}` +
      `<label for="${commentId}">Motif du refus (facultatif)</label>` +
      `<input type="text" id="${commentId}" name="motif" maxlength="1000">` +
      '<button type="submit">Refuser la proposition</button></form></li>'
    );
  });
  return `<h2>Propositions d’un autre horaire</h2><ul>${items.join('')}</ul>`;
}

/** What each change of the meeting did, in French, from its audit line. */
const HISTORY_LABELS: Readonly<Record<string, (details: Record<string, unknown>) => string>> = {
  'meeting.schedule': (d) => `Planifiée pour le ${instantOf(d.startsAt)}`,
  'meeting.convene': (d) =>
    d.sequence === undefined ? 'Convocation envoyée aux membres' : 'Ordre du jour mis à jour, envoyé aux membres',
  'meeting.counter': (d) => `Propose de la tenir le ${instantOf(d.startsAt)}, depuis son agenda`,
  'meeting.declineCounter': (d) =>
    `Proposition de ${typeof d.counterOf === 'string' ? d.counterOf : '—'} refusée` +
    `${typeof d.reason === 'string' ? ` (motif : ${d.reason})` : ''}`,
  'meeting.reschedule': (d) =>
    `Déplacée au ${instantOf(d.startsAt)}${typeof d.reason === 'string' ? ` (motif : ${d.reason})` : ''}` +
    `${typeof d.counterOf === 'string' ? `, à la proposition de ${d.counterOf}` : ''} ; ` +
    `les membres sont invités à répondre de nouveau : toutes les réponses repassent « en attente »` +
    (typeof d.answersReset === 'number' && d.answersReset > 0 ? ` (${d.answersReset} à l’ancienne date)` : ''),
  'meeting.cancel': (d) => `Annulée${typeof d.reason === 'string' ? ` (motif : ${d.reason})` : ''}`,
  'meeting.recordAttendance': () => 'Présences enregistrées',
  'meeting.sendDecisionSummary': () => 'Relevé de décisions envoyé',
  'meeting.publishDecisions': () => 'Relevé de décisions publié sur la page publique',
  'meeting.fileMinutes': () => 'Compte rendu déposé, envoyé aux membres',
  'meeting.recordItemDecision': (d) =>
    `Décision enregistrée sur le point « ${typeof d.item === 'string' ? d.item : '—'} »`,
};

const instantOf = (value: unknown) => (typeof value === 'string' ? frenchInstant(value) : '—');

/**
 * The meeting's history from its audit lines, oldest first: who did what, an override of the
 * date rules with the rules set aside and its reason, and the warnings its date came with.
 */
function history(lines: readonly AuditLine[]): string {
  if (lines.length === 0) return '<p>Aucun événement enregistré.</p>';
  const items = [...lines].reverse().map((line) => {
    const details = (typeof line.details === 'object' && line.details !== null ? line.details : {}) as Record<
      string,
      unknown
    >;
    const what = HISTORY_LABELS[line.action]?.(details) ?? line.action;
    const override =
      typeof details.overrideReason === 'string'
        ? ` <strong>Dérogation</strong> : ${escapeHtml(String(details.overridden ?? ''))} ` +
          `Motif : ${escapeHtml(details.overrideReason)}.`
        : '';
    const warnings = typeof details.warnings === 'string' ? ` Attention : ${escapeHtml(details.warnings)}` : '';
    return (
      `<li>${escapeHtml(frenchInstant(line.at))} — ${escapeHtml(line.actor === 'concerto' ? 'Concerto' : line.actor)}` +
      ` : ${escapeHtml(what)}.${override}${warnings}</li>`
    );
  });
  return `<ol class="timeline">${items.join('')}</ol>`;
}

/** A meeting: when and where, its agenda, who answered what, who attended, what was decided, its history. */
export function meetingPage(
  meeting: MeetingPageRow,
  auditLines: readonly AuditLine[],
  viewer: PageViewer | null,
  actions: MeetingPageActions = {
    mayChange: false,
    mayEditAgenda: false,
    mayRecord: false,
    maySendSummary: false,
    mayFileMinutes: false,
    notice: null,
  },
): string {
  const id = encodeURIComponent(meeting.id);
  return renderAppPage({
    title: meeting.title,
    current: '/calendrier',
    viewer,
    notice: actions.notice,
    body: [
      `<h1>${escapeHtml(meeting.title)}</h1>`,
      actions.mayChange
        ? `<p><a href="/reunions/${id}/deplacer">Déplacer la réunion</a> · ` +
          `<a href="/reunions/${id}/annuler">Annuler la réunion</a></p>`
        : '',
      actions.mayEditAgenda ? `<p><a href="/reunions/${id}/ordre-du-jour">Modifier l’ordre du jour</a></p>` : '',
      actions.mayRecord
        ? `<p><a href="/reunions/${id}/seance">Tenir la séance : présences, avis et décisions, compte rendu</a> · ` +
          `<a href="/reunions/${id}/presences">Enregistrer les présences</a></p>`
        : '',
      actions.maySendSummary
        ? `<form method="post" action="/reunions/${id}/releve">${csrfField(viewer)}` +
          '<button type="submit">Envoyer le relevé de décisions</button></form>'
        : '',
      '<dl>',
      `<dt>Instance</dt><dd>${escapeHtml(meeting.instance.name)}</dd>`,
      `<dt>Début</dt><dd>${escapeHtml(frenchInstant(meeting.startsAt))}</dd>`,
      `<dt>Fin</dt><dd>${escapeHtml(frenchInstant(meeting.endsAt))}</dd>`,
      meeting.location ? `<dt>Lieu</dt><dd>${escapeHtml(meeting.location)}</dd>` : '',
      meeting.visioUrl
        ? `<dt>Visio</dt><dd><a href="${escapeHtml(meeting.visioUrl)}" ` +
          `rel="noreferrer noopener">${escapeHtml(meeting.visioUrl)}</a></dd>`
        : '',
      `<dt>État</dt><dd>${escapeHtml(MEETING_STATUS_LABELS[meeting.status] ?? meeting.status)}` +
        `${meeting.cancelReason ? ` (motif : ${escapeHtml(meeting.cancelReason)})` : ''}</dd>`,
      meeting.instance.quorum
        ? `<dt>Quorum</dt><dd>${meeting.instance.quorum} ` +
          `membres${meeting.quorumReached === null ? '' : meeting.quorumReached ? ', atteint' : ', non atteint'}</dd>`
        : '',
      meeting.minutesFile
        ? `<dt>Compte rendu</dt><dd><a href="/reunions/${id}/compte-rendu.pdf">Télécharger le compte rendu ` +
          `(PDF, déposé le ${escapeHtml(frenchInstant(meeting.minutesFile.uploadedAt))})</a></dd>`
        : meeting.minutesRef
          ? `<dt>Compte rendu</dt><dd>${escapeHtml(meeting.minutesRef)}</dd>`
          : '',
      meeting.poll
        ? `<dt>Date choisie par</dt><dd><a href="/sondages/${encodeURIComponent(meeting.poll.id)}">` +
          `le sondage « ${escapeHtml(meeting.poll.title)} »</a></dd>`
        : '',
      '</dl>',
      actions.mayChange ? counterProposals(meeting, viewer) : '',
      '<h2>Ordre du jour</h2>',
      agenda(meeting),
      '<h2>Convocations et réponses</h2>',
      invitations(meeting),
      '<h2>Envois</h2>',
      mailings(meeting),
      '<h2>Décisions</h2>',
      meeting.decisions.length
        ? `<ul>${meeting.decisions
            .map(
              (d) =>
                `<li><a href="/fiches/${encodeURIComponent(d.fiche.id)}">${escapeHtml(d.fiche.code)}</a>` +
                ` : ${escapeHtml(DECISION_OUTCOME_LABELS[d.outcome] ?? d.outcome)}${
                  d.comment ? ` — ${escapeHtml(d.comment)}` : ''
                }</li>`,
            )
            .join('')}</ul>`
        : '<p>Aucune décision enregistrée.</p>',
      '<h2>Historique</h2>',
      history(auditLines),
    ],
  });
}
