/**
 * The small French pages behind the pouvoir link a member gets when they decline a meeting: choose
 * the member who will vote in their name, confirm, see it recorded. Self-contained like the answer
 * pages (./link-page-layout.ts): no script, accessible, usable at 360 px.
 */
import type { ProxyChoice } from '../../store/meetings/meeting-seats.js';
import { frenchMeetingWhen } from './format.js';
import { FORM_PAGE_STYLE, escapeHtml, pageCsp, renderPage } from './link-page-layout.js';

/** The Content-Security-Policy of these pages: their own style sheet and form, nothing else. */
export const PROXY_PAGE_CSP = pageCsp(FORM_PAGE_STYLE);

function meetingLine(choice: ProxyChoice): string {
  const { meeting } = choice;
  return (
    `<dl><dt>Réunion</dt><dd>${escapeHtml(meeting.title)}</dd>` +
    `<dt>Instance</dt><dd>${escapeHtml(meeting.instanceName)}</dd>` +
    `<dt>Date</dt><dd>${escapeHtml(frenchMeetingWhen(meeting.startsAt, meeting.endsAt, meeting.zone))}</dd></dl>`
  );
}

/**
 * The form: each member convened who has not declined, with the pouvoirs they already hold; those
 * at the instance's limit are shown but cannot be chosen. `error` shows beside the choice.
 */
export function proxyFormPage(choice: ProxyChoice, error?: string): string {
  const max = choice.rules.maxProxiesPerHolder;
  const options = choice.holders
    .map((h, i) => {
      const full = h.held >= max;
      const id = `membre-${i}`;
      const held = h.held > 0 ? ` — porte déjà ${h.held} pouvoir${h.held > 1 ? 's' : ''}` : '';
      return (
        `<div><input type="radio" id="${id}" name="to" value="${escapeHtml(h.email)}"` +
        `${full ? ' disabled' : ''}${choice.giver.holder === h.email ? ' checked' : ''}>` +
        `<label for="${id}">${escapeHtml(h.name)}${escapeHtml(held)}</label></div>`
      );
    })
    .join('');
  const current = choice.giver.holder
    ? `<p class="note">Pouvoir enregistré jusqu’ici : donné à ${escapeHtml(choice.giver.holder)}.</p>`
    : '';
  return renderPage(
    'Donner pouvoir',
    [
      '<h1>Donner pouvoir</h1>',
      `<p>Pour ${escapeHtml(choice.giver.name)} (${escapeHtml(choice.giver.email)}).</p>`,
      meetingLine(choice),
      current,
      error ? `<p class="note refused" role="alert" id="erreur">${escapeHtml(error)}</p>` : '',
      '<form method="post">',
      `<fieldset${error ? ' aria-describedby="erreur"' : ''}><legend>Membre qui votera en votre nom</legend>` +
        `<p class="hint">Un membre porte au plus ${max} pouvoir${max > 1 ? 's' : ''}, selon les règles de ` +
        `l’instance.</p>${options || '<p>Aucun autre membre convoqué ne participe pour l’instant.</p>'}</fieldset>`,
      '<button type="submit">Donner pouvoir</button>',
      '</form>',
    ],
    FORM_PAGE_STYLE,
  );
}

/** Shown once the pouvoir is recorded. */
export function proxyRecordedPage(choice: ProxyChoice, to: string): string {
  return renderPage(
    'Pouvoir enregistré',
    [
      '<h1>Pouvoir enregistré</h1>',
      `<p class="note" role="status">${escapeHtml(to)} votera en votre nom. Le secrétariat de l’instance le ` +
        'verra sur la feuille de présence.</p>',
      meetingLine(choice),
    ],
    FORM_PAGE_STYLE,
  );
}
