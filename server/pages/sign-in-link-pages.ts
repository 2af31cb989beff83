/**
 * The French pages of signing in by link, in the frame of ./link-page-layout.ts (self-contained, no
 * script): the confirmation a sign-in link opens, and what a form asking for a link gets back.
 */
import { SIGN_IN_LINK_MINUTES } from '../../domain/sign-in-link.js';
import { BASE_PAGE_STYLE, escapeHtml, pageCsp, renderPage } from './link-page-layout.js';

export const SIGN_IN_PAGE_CSP = pageCsp(BASE_PAGE_STYLE);

/** What asking for a link answers, whether the address is known or not: nobody learns who has an account. */
export const SIGN_IN_SENT_MESSAGE =
  `Si cette adresse est celle d’une personne de la convention, un lien de ` +
  `connexion vient d’y être envoyé. Il fonctionne une fois, pendant ${SIGN_IN_LINK_MINUTES} minutes.`;

/** Opened from the mail: a button posts the link, because mail scanners open every link of a mail. */
export function signInConfirmPage(email: string): string {
  return renderPage('Se connecter', [
    '<h1>Se connecter à Concerto</h1>',
    `<p>Connexion de <strong>${escapeHtml(email)}</strong>.</p>`,
    // No action attribute: the form posts to the address of the page, whatever prefix a proxy adds.
    '<form method="post"><button type="submit">Me connecter</button></form>',
    '<p class="note">Rien ne se passe tant que vous n’avez pas appuyé sur le bouton. Le lien ne sert qu’une fois.</p>',
  ]);
}

/** Shown after a form asked for a link. */
export function signInSentPage(): string {
  return renderPage('Lien envoyé', [
    '<h1>Vérifiez votre messagerie</h1>',
    `<p class="note" role="status">${escapeHtml(SIGN_IN_SENT_MESSAGE)}</p>`,
    '<p>Rien reçu ? Vérifiez l’adresse et le dossier des indésirables, puis demandez un nouveau lien.</p>',
  ]);
}
