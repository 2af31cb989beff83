import { POLL_ANSWER_LABELS, type PollAnswer } from '../../domain/poll-rules.js';
import type { PollView } from '../../store/polls/find-poll.js';
import type { PollListItem } from '../../store/polls/list-polls.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';

const POLL_STATUS_LABELS: Readonly<Record<string, string>> = {
  ouvert: 'ouvert',
  departage: 'égalité à départager',
  clos: 'clos',
};
export const pollStatusLabel = (status: string) => POLL_STATUS_LABELS[status] ?? status;

/** The convention's date polls. */
export function pollListPage(polls: PollListItem[], viewer: PageViewer | null): string {
  const rows = polls.map(
    (p) =>
      `<tr><td><a href="/sondages/${encodeURIComponent(p.id)}">${escapeHtml(p.title)}</a></td>` +
      `<td>${escapeHtml(pollStatusLabel(p.status))}</td>` +
      `<td>${p.deadline ? escapeHtml(frenchInstant(p.deadline)) : '—'}</td>` +
      `<td>${p.answered} sur ${p.participants}</td><td>${escapeHtml(p.organizerEmail)}</td></tr>`,
  );
  return renderAppPage({
    title: 'Sondages de date',
    current: '/sondages',
    viewer,
    body: [
      '<h1>Sondages de date</h1>',
      polls.length
        ? `<table><thead><tr><th scope="col">Sondage</th><th scope="col">État</th><th scope="col">` +
          `Réponses avant le</th><th scope="col">Réponses</th><th scope="col">Organisé par</th></tr></thead>` +
          `<tbody>${rows.join('')}</tbody></table>`
        : '<p>Aucun sondage pour l’instant.</p>',
    ],
  });
}

/** A poll: its dates with the answers counted, who has not answered yet, and the date chosen. */
export function pollPage(poll: PollView, viewer: PageViewer | null): string {
  const awaiting = poll.participants.filter((p) => !poll.ballots[p]);
  const answers: Array<[PollAnswer, 'oui' | 'siNecessaire' | 'non']> = [
    ['oui', 'oui'],
    ['si_necessaire', 'siNecessaire'],
    ['non', 'non'],
  ];
  const rows = poll.options.map(
    (o) =>
      `<tr><th scope="row">${escapeHtml(o.label)}${
        o.id === poll.chosenOptionId ? ' <strong>(retenue)</strong>' : ''
      }</th>${answers.map(([, count]) => `<td>${o.tally[count]}</td>`).join('')}<td>` +
      `${o.capacity === null ? '—' : `${o.volunteers.length} sur ${o.capacity}`}</td></tr>`,
  );
  return renderAppPage({
    title: poll.title,
    current: '/sondages',
    viewer,
    body: [
      `<h1>${escapeHtml(poll.title)}</h1>`,
      poll.description ? `<p>${escapeHtml(poll.description)}</p>` : '',
      '<dl>',
      `<dt>État</dt><dd>${escapeHtml(pollStatusLabel(poll.status))}</dd>`,
      poll.deadline ? `<dt>Réponses avant le</dt><dd>${escapeHtml(frenchInstant(poll.deadline))}</dd>` : '',
      `<dt>Organisé par</dt><dd>${escapeHtml(poll.organizerEmail)}</dd>`,
      poll.meetingId
        ? `<dt>Réunion</dt><dd><a href="/reunions/${encodeURIComponent(poll.meetingId)}">` +
          `la réunion créée à la date retenue</a></dd>`
        : '',
      '</dl>',
      `<table><caption>Réponses par date</caption><thead><tr><th scope="col">Date</th>` +
        `${answers.map(([answer]) => `<th scope="col">${POLL_ANSWER_LABELS[answer]}</th>`).join('')}` +
        `<th scope="col">Inscrits</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      '<h2>Sans réponse</h2>',
      awaiting.length
        ? `<ul>${awaiting.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`
        : `<p>Les ${poll.participants.length} participants ont répondu.</p>`,
    ],
  });
}
