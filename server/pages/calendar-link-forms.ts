import type { CalendarLinkView } from '../../store/calendars/calendar-links.js';
import { frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';
import { errorSummary, field, input } from './form-fields.js';

/** The form's fields (the password is never sent back into the page). */
export interface CalendarLinkFormValues {
  url: string;
  username: string;
}
export type CalendarLinkFormErrors = Partial<Record<'url' | 'username' | 'password', string>>;

export const CALENDAR_LINK_PATH = '/mes-agendas/agenda-caldav';

/**
 * The « Mes agendas » section of the linked CalDAV calendar: where meetings are written, the last
 * push that failed if any, and the buttons to link (or link another) and unlink.
 */
export function calendarLinkSection(link: CalendarLinkView | null, viewer: PageViewer | null): string {
  const heading = '<h2 id="agenda-caldav-titre">Agenda relié (CalDAV)</h2>';
  const linkButton = (label: string) => `<p><a href="${CALENDAR_LINK_PATH}">${escapeHtml(label)}</a></p>`;
  if (!link) {
    return (
      `<section aria-labelledby="agenda-caldav-titre">${heading}` +
      '<p>Reliez votre agenda Nextcloud (ou un autre agenda CalDAV) : chaque réunion où vous êtes convoqué·e ' +
      's’y inscrit d’elle-même, se déplace quand elle change et disparaît si elle est annulée ; la réponse que ' +
      'vous y donnez est prise en compte.</p>' +
      `${linkButton('Relier un agenda')}</section>`
    );
  }
  return (
    `<section aria-labelledby="agenda-caldav-titre">${heading}` +
    `<p>Les réunions s’inscrivent dans l’agenda <strong>${escapeHtml(link.url)}</strong> ` +
    `(compte ${escapeHtml(link.username)}), relié le ${escapeHtml(frenchInstant(link.createdAt))}.</p>` +
    (link.lastError && link.lastErrorAt
      ? `<p class="failed">Le ${escapeHtml(frenchInstant(link.lastErrorAt))}, une réunion n’a pas pu y être ` +
        `écrite : ${escapeHtml(link.lastError)}</p>`
      : '') +
    linkButton('Relier un autre agenda') +
    `<form method="post" action="${CALENDAR_LINK_PATH}/delier">${csrfField(viewer)}` +
    '<button type="submit">Délier cet agenda</button></form></section>'
  );
}

/** The form linking a CalDAV calendar, with each error beside its field. */
export function calendarLinkFormPage(
  form: { values: CalendarLinkFormValues; errors: CalendarLinkFormErrors },
  viewer: PageViewer | null,
): string {
  const { values, errors } = form;
  return renderAppPage({
    title: 'Relier un agenda CalDAV',
    current: '/mes-agendas',
    viewer,
    body: [
      '<h1>Relier un agenda CalDAV</h1>',
      errorSummary(errors),
      '<p>Dans Nextcloud : Agenda → « … » de l’agenda → « Copier le lien privé » donne son adresse ; ' +
        'Paramètres personnels → Sécurité → « Créer un mot de passe d’application » donne un mot de passe ' +
        'réservé à Concerto, révocable à tout moment. Il est conservé chiffré et n’est jamais réaffiché.</p>',
      `<form method="post" action="${CALENDAR_LINK_PATH}" novalidate>${csrfField(viewer)}`,
      field(
        'url',
        'Adresse de l’agenda',
        input('url', values.url, ' required spellcheck="false" autocomplete="url"'),
        errors,
        'Par exemple https://cloud.example.org/remote.php/dav/calendars/prenom.nom/personal/',
      ),
      field(
        'username',
        'Identifiant du compte',
        input('text', values.username, ' required spellcheck="false" autocomplete="username"'),
        errors,
      ),
      field(
        'password',
        'Mot de passe d’application',
        input('password', '', ' required autocomplete="new-password"'),
        errors,
      ),
      '<button type="submit">Relier cet agenda</button></form>',
      '<p><a href="/mes-agendas">Retour à Mes agendas</a></p>',
    ],
  });
}
