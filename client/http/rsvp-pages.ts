/**
 * The small French pages behind the answer links of an invitation mail. Self-contained: one
 * inline style sheet (allowed by its hash in the Content-Security-Policy), no script, no image, no
 * font, nothing fetched from elsewhere. One h1 a page, `lang="fr"`, and colours above the WCAG AA
 * contrast ratio (#1e1e1e on white 16:1, white on #000091 15:1, #3a3a3a on #f6f6f6 10:1).
 */
import { createHash } from 'node:crypto';
import type { PartStat } from '../../domain/meeting-rules.js';
import { formatFrench, toLocal } from '../../domain/paris-time.js';
import type { RsvpMeetingView } from '../../store/find-rsvp-invitation.js';

/** What each answer says, in the words of the page and its button. */
export const ANSWER_LABELS: Record<PartStat, string> = {
  ACCEPTED: 'Je participerai',
  TENTATIVE: 'Je participerai peut-être',
  DECLINED: 'Je ne participerai pas',
  'NEEDS-ACTION': 'Pas encore de réponse',
};

const STYLE = [
  'body{margin:0;background:#fff;color:#1e1e1e;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}',
  'main{max-width:40rem;margin:0 auto;padding:2rem 1.25rem}',
  'h1{font-size:1.75rem;line-height:1.25;margin:0 0 1rem}',
  'h2{font-size:1.25rem;margin:2rem 0 .5rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}',
  'dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}',
  '.note{background:#f6f6f6;color:#3a3a3a;border-left:4px solid #000091;padding:.75rem 1rem}',
  '.refused{border-left-color:#ce0500}',
  'a{color:#000091}',
  'button{font:inherit;font-weight:600;color:#fff;background:#000091;border:0;border-radius:.25rem;padding:.75rem 1.25rem;cursor:pointer}',
  'button:hover{background:#1212ff}',
  'a:focus-visible,button:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}',
].join('');

/** The Content-Security-Policy of these pages: nothing but their own inline style and form. */
export const RSVP_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

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
  const current = input.current === 'NEEDS-ACTION'
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
    `<button type="submit" aria-describedby="answer">Confirmer : ${escapeHtml(lowerFirst(ANSWER_LABELS[input.answer]))}</button>`,
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
      `enregistrée le ${escapeHtml(formatFrench(input.at, input.meeting.zone, { withTime: true, withWeekday: false }))} ` +
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
    ['Date', escapeHtml(whenText(meeting))],
  ];
  if (meeting.location) rows.push(['Lieu', escapeHtml(meeting.location)]);
  if (meeting.visioUrl && /^https?:\/\//i.test(meeting.visioUrl)) {
    // rel=noreferrer: the page's address holds the link's token, which must not reach the visio host.
    rows.push(['Visioconférence', `<a href="${escapeHtml(meeting.visioUrl)}" rel="noreferrer noopener">${escapeHtml(meeting.visioUrl)}</a>`]);
  }
  const list = rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('');
  return `<section aria-labelledby="meeting"><h2 id="meeting">La réunion</h2><dl>${list}</dl></section>`;
}

/** « mardi 16 juin 2026, de 14 h 00 à 17 h 00 (heure de Paris) », or « du … au … » over several days. */
function whenText(meeting: RsvpMeetingView): string {
  const { startsAt, endsAt, zone } = meeting;
  const zoneText = zone === 'Europe/Paris' ? 'heure de Paris' : `fuseau ${zone}`;
  const start = toLocal(startsAt, zone);
  const end = toLocal(endsAt, zone);
  if (start.year !== end.year || start.month !== end.month || start.day !== end.day) {
    return `du ${formatFrench(startsAt, zone, { withTime: true })} au ${formatFrench(endsAt, zone, { withTime: true })} (${zoneText})`;
  }
  const hhmm = (t: { hour: number; minute: number }) => `${String(t.hour).padStart(2, '0')} h ${String(t.minute).padStart(2, '0')}`;
  return `${formatFrench(startsAt, zone)}, de ${hhmm(start)} à ${hhmm(end)} (${zoneText})`;
}

function layout(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="fr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)} — Concerto</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body.filter((part) => part !== ''),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function lowerFirst(text: string): string {
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** Text into HTML, attribute values included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
