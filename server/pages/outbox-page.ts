import type { CaughtMessage } from '../../infra/smtp-in/mail-catcher.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';

/** The embedded catcher's messages, newest first, each downloadable as .eml; null without a catcher. */
export function outboxPage(messages: CaughtMessage[] | null, viewer: PageViewer | null): string {
  const body = ['<h1>Boîte d’envoi</h1>'];
  if (!messages) {
    body.push(
      '<p>Les courriels partent par le relais SMTP configuré (SMTP_URL) : ' +
        'il n’y a pas de boîte d’envoi locale à montrer.</p>',
    );
  } else if (messages.length === 0) {
    body.push('<p>Aucun courriel envoyé pour l’instant.</p>');
  } else {
    const rows = [...messages]
      .sort((a, b) => b.date.localeCompare(a.date))
      .map(
        (m) =>
          `<tr><td>${escapeHtml(frenchInstant(m.date))}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
          `<td>${escapeHtml(m.subject)}${
            m.hasCalendar ? ' <span class="muted">(invitation d’agenda)</span>' : ''
          }</td><td><a href="/api/outbox/${encodeURIComponent(m.id)}.eml" download>Télécharger<span class="skip">` +
          ` le courriel « ${escapeHtml(m.subject)} »</span></a></td></tr>`,
      );
    body.push(
      '<p>Les courriels que Concerto a envoyés, retenus ici au lieu de partir : ' +
        'ouvrez-en un dans votre logiciel de messagerie.</p>',
      `<table><caption>${messages.length} courriel${messages.length > 1 ? 's' : ''}</caption><thead><tr>` +
        `<th scope="col">Date</th><th scope="col">À</th><th scope="col">Objet</th><th scope="col">Fichier</th></tr>` +
        `</thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  return renderAppPage({ title: 'Boîte d’envoi', current: '/boite-d-envoi', viewer, body });
}
