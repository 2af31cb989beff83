/**
 * The small French pages behind the answer links of an invitation mail, in the frame of
 * ./link-page-layout.ts (self-contained, no script, accessible).
 */
import { frenchInstant, frenchMeetingWhen } from './format.js';
import type { PartStat } from '../../domain/meeting-rules.js';
import type { RsvpMeetingView } from '../../store/meetings/find-rsvp-invitation.js';
import { BASE_PAGE_STYLE, escapeHtml, pageCsp, renderPage } from './link-page-layout.js';

export { escapeHtml };

/** What each answer says, in the words of the page and its button. */
export const ANSWER_LABELS: Record<PartStat, string> = {
  ACCEPTED: 'Je participerai',
  TENTATIVE: 'Je participerai peut-être',
  DECLINED: 'Je ne participerai pas',
  'NEEDS-ACTION': 'Pas encore de réponse',
};

/** The Content-Security-Policy of these pages: nothing but their own inline style and form. */
export const RSVP_PAGE_CSP = pageCsp(BASE_PAGE_STYLE);

/** Input of {@link confirmPage}. */
export interface ConfirmPageInput {
  meeting: RsvpMeetingView;
  email: string;
  answer: PartStat;
  /** The answer on record, if any. */
  current: PartStat;
}

/**
 * Shown when a link is opened: the meeting and the answer the link gives, and a button that posts
 * it. Opening the link records nothing, because mail security scanners open links too.
 */
export function confirmPage(input: ConfirmPageInput): string {
  const current =
    input.current === 'NEEDS-ACTION'
      ? ''
      : `<p>Votre réponse enregistrée jusqu’ici : <strong>${escapeHtml(ANSWER_LABELS[input.current])}</strong>.</p>`;
  return layout('Confirmer votre réponse', [
    '<h1>Confirmer votre réponse</h1>',
    `<p>Invitation adressée à <strong>${escapeHtml(input.email)}</strong>.</p>`,
    meetingSection(input.meeting),
    '<h2>Votre réponse</h2>',
    current,
    // No action attribute: the form posts to the address of the page, whatever prefix a proxy adds.
    '<form method="post">',
    `<p id="answer">Réponse proposée : <strong>${escapeHtml(ANSWER_LABELS[input.answer])}</strong>.</p>`,
    `<button type="submit" aria-describedby="answer">` +
      `Confirmer : ${escapeHtml(lowerFirst(ANSWER_LABELS[input.answer]))}</button>`,
    '</form>',
    '<p class="note">Rien n’est enregistré tant que vous n’avez pas confirmé. ' +
      'Vous pouvez aussi répondre depuis votre agenda, avec les boutons de l’invitation.</p>',
  ]);
}

/** Input of {@link recordedPage}. */
export interface RecordedPageInput {
  meeting: RsvpMeetingView;
  email: string;
  answer: PartStat;
  at: Date;
  /** Fresh links to each other answer. */
  changeLinks: Array<{ answer: PartStat; url: string }>;
}

/** Shown once the answer is recorded, with links to change it. */
export function recordedPage(input: RecordedPageInput): string {
  const links = input.changeLinks
    .map((link) => `<li><a href="${escapeHtml(link.url)}">${escapeHtml(ANSWER_LABELS[link.answer])}</a></li>`)
    .join('');
  return layout('Réponse enregistrée', [
    '<h1>Réponse enregistrée</h1>',
    `<p class="note" role="status">Votre réponse : <strong>${escapeHtml(ANSWER_LABELS[input.answer])}</strong>, ` +
      `enregistrée le ` +
      `${escapeHtml(frenchInstant(input.at, input.meeting.zone))}, ` +
      `pour ${escapeHtml(input.email)}.</p>`,
    meetingSection(input.meeting),
    '<h2>Changer de réponse</h2>',
    `<ul>${links}</ul>`,
    '<p>Chaque lien demande à nouveau confirmation.</p>',
  ]);
}

/** Input of {@link refusedPage}. */
export interface RefusedPageInput {
  title: string;
  /** What happened, for people. */
  message: string;
  /** Further sentences about this case (when the link was used…). */
  details?: string[];
  /** What to do now. */
  whatToDo: string;
}

/** Shown when a link cannot be used: what happened and what to do. */
export function refusedPage(input: RefusedPageInput): string {
  return layout(input.title, [
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p class="note refused">${escapeHtml(input.message)}</p>`,
    ...(input.details ?? []).map((line) => `<p>${escapeHtml(line)}</p>`),
    '<h2>Que faire ?</h2>',
    `<p>${escapeHtml(input.whatToDo)}</p>`,
  ]);
}

function meetingSection(meeting: RsvpMeetingView): string {
  const rows: Array<[string, string]> = [
    ['Réunion', escapeHtml(meeting.title)],
    ['Instance', escapeHtml(meeting.instanceName)],
    ['Date', escapeHtml(frenchMeetingWhen(meeting.startsAt, meeting.endsAt, meeting.zone))],
  ];
  if (meeting.location) rows.push(['Lieu', escapeHtml(meeting.location)]);
  if (meeting.visioUrl && /^https?:\/\//i.test(meeting.visioUrl)) {
    // rel=noreferrer: the page's address holds the link's token, which must not reach the visio host.
    rows.push([
      'Visioconférence',
      `<a href="${escapeHtml(meeting.visioUrl)}" rel="noreferrer noopener">${escapeHtml(meeting.visioUrl)}</a>`,
    ]);
  }
  const list = rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('');
  return `<section aria-labelledby="meeting"><h2 id="meeting">La réunion</h2><dl>${list}</dl></section>`;
}

function layout(title: string, body: string[]): string {
  return renderPage(title, body);
}

function lowerFirst(text: string): string {
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
