import { POLL_ANSWER_LABELS, type PollAnswer } from '../../domain/poll-rules.js';
import type { PollView } from '../../store/polls/find-poll.js';
import type { PollListItem } from '../../store/polls/list-polls.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';

const POLL_STATUS_LABELS: Readonly<Record<string, string>> = {
  ouvert: 'ouvert',
  departage: 'égalité à départager',
  clos: 'clos',
};
export const pollStatusLabel = (status: string) => POLL_STATUS_LABELS[status] ?? status;

/** Whether the list offers to propose dates: the form's address, or why not. */
export type PollProposal = { href: string } | { reason: string };

/** The convention's date polls, and the way to propose dates when the reader may. */
export function pollListPage(polls: PollListItem[], viewer: PageViewer | null, proposal: PollProposal): string {
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
      'href' in proposal
        ? `<p><a href="${escapeHtml(proposal.href)}">Proposer des dates</a></p>`
        : `<p class="muted">${escapeHtml(proposal.reason)}</p>`,
      polls.length
        ? scrolling(
            'Sondages',
            `<table><thead><tr><th scope="col">Sondage</th><th scope="col">État</th><th scope="col">` +
              `Réponses avant le</th><th scope="col">Réponses</th><th scope="col">Organisé par</th></tr></thead>` +
              `<tbody>${rows.join('')}</tbody></table>`,
          )
        : '<p>Aucun sondage pour l’instant.</p>',
    ],
  });
}

/** A table that scrolls sideways inside the page when the screen is narrower (360 px): focusable, named. */
const scrolling = (label: string, table: string) =>
  `<div class="scroll" role="region" tabindex="0" aria-label="${escapeHtml(label)}">${table}</div>`;

/** What the poll's page offers its reader (server/pages/poll-form-routes.ts decides). */
export interface PollPageActions {
  /** Close it now (it is open and the reader may). */
  mayClose: boolean;
  /** During a tie the reader may break: the dates to choose among. */
  tied: ReadonlyArray<{ id: string; label: string }>;
  /** Why the reader may not close or choose, while one of those waits. */
  refusal: string | null;
  /** The confirmation of the step just taken. */
  notice: string | null;
  /** A refused choice, beside the dates. */
  error: string | null;
}

/** Closing, choosing among tied dates, or why the reader may not. */
function actionsSection(poll: PollView, actions: PollPageActions, viewer: PageViewer | null): string {
  if (poll.status === 'clos') return '';
  const id = encodeURIComponent(poll.pollId);
  if (actions.refusal) {
    const waiting =
      poll.status === 'departage'
        ? 'En attente du choix de l’organisateur parmi les dates à égalité.'
        : `Le sondage se clôt à sa date limite${poll.deadline ? `, le ${frenchInstant(poll.deadline)}` : ''}.`;
    return `<p class="waiting">${escapeHtml(waiting)}</p><p class="muted">${escapeHtml(actions.refusal)}</p>`;
  }
  if (actions.mayClose)
    return (
      `<form method="post" action="/sondages/${id}/clore">${csrfField(viewer)}<h2>Clore le sondage</h2>` +
      '<p>Les réponses s’arrêtent ; la date qui a le plus de « oui » (puis de « si nécessaire », puis la plus ' +
      'proche) devient la réunion, convoquée aux participants. En cas d’égalité, vous choisirez.</p>' +
      `<p><button type="submit">Clore le sondage maintenant</button></p></form>`
    );
  if (poll.status !== 'departage' || actions.tied.length === 0) return '';
  const error = actions.error;
  const radios = actions.tied.map(
    (o, i) =>
      `<li><input type="radio" id="date-${i}" name="date" value="${escapeHtml(o.id)}" required` +
      `${error ? ' aria-describedby="date-erreur"' : ''}> <label class="inline" for="date-${i}">` +
      `${escapeHtml(o.label)}</label></li>`,
  );
  return (
    `<form method="post" action="/sondages/${id}/choisir" novalidate>${csrfField(viewer)}` +
    '<h2>Choisir la date</h2><fieldset><legend>Dates à égalité</legend>' +
    (error ? `<p class="failed" id="date-erreur">${escapeHtml(error)}</p>` : '') +
    `<ul class="choices">${radios.join('')}</ul></fieldset>` +
    '<p><button type="submit">Retenir cette date</button></p></form>'
  );
}

/** Each participant's answer to each date, dates numbered as in the counts. */
function answersTable(poll: PollView): string {
  const short: Record<PollAnswer, string> = { oui: 'Oui', si_necessaire: 'Si nécessaire', non: 'Non' };
  const head = poll.options.map((_, i) => `<th scope="col">Date ${i + 1}</th>`).join('');
  const rows = poll.participants.map((email) => {
    const ballot = poll.ballots[email];
    const cells = poll.options.map((o) => {
      const answer = ballot?.answers[o.id];
      return `<td>${answer ? short[answer] : '—'}</td>`;
    });
    // The address may break before its domain, so the answers stay in sight at 360 px.
    return `<tr><th scope="row">${escapeHtml(email).replace('@', '<wbr>@')}</th>${cells.join('')}</tr>`;
  });
  return scrolling(
    'Réponses de chaque participant',
    `<table><caption>Réponses de chaque participant (— : pas de réponse)</caption><thead><tr>` +
      `<th scope="col">Participant</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
  );
}

/** A poll: its dates with the answers counted, who has not answered yet, and the date chosen. */
export function pollPage(poll: PollView, viewer: PageViewer | null, actions: PollPageActions): string {
  const awaiting = poll.participants.filter((p) => !poll.ballots[p]);
  const answers: Array<[PollAnswer, 'oui' | 'siNecessaire' | 'non']> = [
    ['oui', 'oui'],
    ['si_necessaire', 'siNecessaire'],
    ['non', 'non'],
  ];
  const rows = poll.options.map(
    (o, i) =>
      `<tr><th scope="row">${i + 1}. ${escapeHtml(o.label)}${
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
      actions.notice ? `<p class="alert ok" role="status">${escapeHtml(actions.notice)}</p>` : '',
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
      actionsSection(poll, actions, viewer),
      scrolling(
        'Réponses par date',
        `<table><caption>Réponses par date</caption><thead><tr><th scope="col">Date</th>` +
          `${answers.map(([answer]) => `<th scope="col">${POLL_ANSWER_LABELS[answer]}</th>`).join('')}` +
          `<th scope="col">Inscrits</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      ),
      answersTable(poll),
      '<h2>Sans réponse</h2>',
      awaiting.length
        ? `<ul>${awaiting.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`
        : `<p>Les ${poll.participants.length} participants ont répondu.</p>`,
    ],
  });
}
