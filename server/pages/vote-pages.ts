/**
 * The French pages of a date poll that a signed link opens, in the frame of ./link-page-layout.ts: the
 * voting form (oui / si nécessaire / non for each date, « je m’inscris » where a date takes
 * volunteers), the organiser's choice among tied dates, and the result once the poll is closed.
 * A radio group per date in a fieldset whose legend is the date, so a screen reader says which
 * date each answer is for.
 */
import { frenchInstant } from './format.js';
import { POLL_ANSWERS, POLL_ANSWER_LABELS, type PollAnswer } from '../../domain/poll-rules.js';
import type { PollView } from '../../store/polls/find-poll.js';
import { FORM_PAGE_STYLE, escapeHtml, pageCsp, renderPage } from './link-page-layout.js';

const VOTE_PAGE_STYLE = `${FORM_PAGE_STYLE}.chosen{font-weight:600}`;

/** The Content-Security-Policy of these pages: nothing but their own inline style and form. */
export const VOTE_PAGE_CSP = pageCsp(VOTE_PAGE_STYLE);

const page = (title: string, body: string[]) => renderPage(title, body, VOTE_PAGE_STYLE);

/** Input of {@link votePage}. */
export interface VotePageInput {
  poll: PollView;
  email: string;
  /** What the form shows checked: the ballot on record, or what was just sent and refused. */
  answers: Record<string, string>;
  signUps: readonly string[];
  /** A refusal to show above the form. */
  error?: string;
  /** Set when the ballot was just recorded. */
  recordedAt?: Date;
}

/** The voting form; posting it records every answer at once (nothing is recorded by opening it). */
export function votePage(input: VotePageInput): string {
  const { poll } = input;
  const deadline = poll.deadline ? frenchInstant(poll.deadline, poll.zone) : null;
  const fieldsets = poll.options.map((option) => {
    const name = `answer-${option.id}`;
    const radios = POLL_ANSWERS.map((answer) => {
      const checked = input.answers[option.id] === answer ? ' checked' : '';
      return (
        `<label><input type="radio" name="${escapeHtml(name)}" value="${answer}" ` +
        `required${checked}>${escapeHtml(POLL_ANSWER_LABELS[answer])}</label>`
      );
    }).join('');
    const counts =
      `${option.tally.oui} oui, ${option.tally.siNecessaire} si nécessaire, ` + `${option.tally.non} non jusqu’ici.`;
    let signUp = '';
    if (option.capacity !== null) {
      const mine = input.signUps.includes(option.id);
      const left = Math.max(0, option.capacity - option.tally.volunteers);
      const full = left === 0 && !option.volunteers.includes(input.email.toLowerCase());
      const hintId = `places-${escapeHtml(option.id)}`;
      signUp =
        `<p><label><input type="checkbox" name="signup" value="${escapeHtml(option.id)}" ` +
        `aria-describedby="${hintId}"${mine ? ' checked' : ''}${full ? ' disabled' : ''}>` +
        `Je m’inscris pour cette date</label></p>` +
        `<p class="hint" id="${hintId}">${
          full ? 'Complet' : `${left} place${left > 1 ? 's' : ''} restante${left > 1 ? 's' : ''}`
        } sur ${option.capacity}.</p>`;
    }
    return (
      `<fieldset><legend>${escapeHtml(option.label)}</legend><div class="choices">${radios}</div>` +
      `<p class="hint">${counts}</p>${signUp}</fieldset>`
    );
  });
  return page(`Sondage : ${poll.title}`, [
    `<h1>${escapeHtml(poll.title)}</h1>`,
    input.error ? `<p class="note refused" role="alert">${escapeHtml(input.error)}</p>` : '',
    input.recordedAt
      ? `<p class="note" role="status">Vos réponses sont enregistrées ` +
        `(${escapeHtml(frenchInstant(input.recordedAt, poll.zone))}).</p>`
      : '',
    `<p>Réponses de <strong>${escapeHtml(input.email)}</strong>${
      deadline ? `, jusqu’au ${escapeHtml(deadline)}` : ''
    }.</p>`,
    pollFacts(poll),
    '<h2>Vos disponibilités</h2>',
    '<p>Pour chaque date : « Oui », « Si nécessaire » (possible, mais pas idéal) ou « Non ».</p>',
    // No action attribute: the form posts to the address of the page, whatever prefix a proxy adds.
    `<form method="post">${fieldsets.join('')}<button type="submit">Enregistrer mes réponses</button></form>`,
    '<p class="note">Vous pouvez revenir changer vos réponses avec le même lien jusqu’à la clôture du sondage.</p>',
  ]);
}

/** Input of {@link choosePage}. */
export interface ChoosePageInput {
  poll: PollView;
  tied: readonly string[];
  error?: string;
}

/** The organiser's choice among the dates of a tie. */
export function choosePage(input: ChoosePageInput): string {
  const { poll } = input;
  const radios = poll.options
    .filter((o) => input.tied.includes(o.id))
    .map(
      (o) =>
        `<p><label><input type="radio" name="optionId" value="${escapeHtml(o.id)}" ` +
        `required>${escapeHtml(o.label)}</label></p>` +
        `<p class="hint">${o.tally.oui} oui, ${o.tally.siNecessaire} si nécessaire, ${o.tally.non} non.</p>`,
    );
  return page(`Départager : ${poll.title}`, [
    `<h1>Départager : ${escapeHtml(poll.title)}</h1>`,
    input.error ? `<p class="note refused" role="alert">${escapeHtml(input.error)}</p>` : '',
    '<p>Le sondage est clos et ces dates sont à égalité. Choisissez celle de la réunion : elle sera créée, la ' +
      'convocation partira et chaque participant sera informé.</p>',
    pollFacts(poll),
    `<form method="post"><fieldset><legend>Date retenue</legend>${radios.join('')}</fieldset><button type="submit">` +
      `Retenir cette date</button></form>`,
  ]);
}

/** Input of {@link resultPage}. */
export interface ResultPageInput {
  poll: PollView;
  /** The reader's own answers, when they took part. */
  answers?: Record<string, PollAnswer>;
  /** Why the page is shown instead of a form. */
  message: string;
}

/** A closed poll (or one being settled): the counts, the chosen date if any, the reader's answers. */
export function resultPage(input: ResultPageInput): string {
  const { poll } = input;
  const rows = poll.options.map((o) => {
    const mine = input.answers?.[o.id];
    const chosen = o.id === poll.chosenOptionId;
    return (
      `<li${chosen ? ' class="chosen"' : ''}>${escapeHtml(o.label)}${chosen ? ' — date retenue' : ''} : ` +
      `${o.tally.oui} oui, ${o.tally.siNecessaire} si nécessaire, ${o.tally.non} non` +
      `${mine ? ` (votre réponse : ${escapeHtml(POLL_ANSWER_LABELS[mine].toLowerCase())})` : ''}</li>`
    );
  });
  return page(`Sondage : ${poll.title}`, [
    `<h1>${escapeHtml(poll.title)}</h1>`,
    `<p class="note" role="status">${escapeHtml(input.message)}</p>`,
    pollFacts(poll),
    '<h2>Réponses</h2>',
    `<ul>${rows.join('')}</ul>`,
  ]);
}

function pollFacts(poll: PollView): string {
  const rows: Array<[string, string]> = [];
  if (poll.instance) rows.push(['Instance', poll.instance.name]);
  if (poll.location) rows.push(['Lieu', poll.location]);
  if (poll.description) rows.push(['Objet', poll.description]);
  if (rows.length === 0) return '';
  const list = rows.map(([term, value]) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`).join('');
  return `<section aria-labelledby="poll"><h2 id="poll">Le sondage</h2><dl>${list}</dl></section>`;
}
