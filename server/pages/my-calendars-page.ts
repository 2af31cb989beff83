import type { CalendarLinkView } from '../../store/calendars/calendar-links.js';
import type { FeedEntry } from '../routes/feed-subscriptions.js';
import { calendarLinkSection } from './calendar-link-forms.js';
import { FORM_SCRIPT_PATH } from './form-script.js';
import { frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** The confirmations after an action (`?fait=`). */
export const MY_CALENDARS_NOTICES = {
  revoquee: 'L’adresse est révoquée : les agendas qui l’utilisent ne reçoivent plus rien.',
  renouvelee:
    'Voici la nouvelle adresse : remplacez l’ancienne dans votre agenda, qui ne fonctionne plus depuis cet instant.',
  'agenda-relie': 'Votre agenda est relié : vos prochaines réunions s’y inscrivent.',
  'agenda-delie': 'Votre agenda n’est plus relié : les réunions déjà inscrites y restent.',
} as const satisfies Record<string, string>;

const KIND_LABELS = { person: 'Mes réunions', convention: 'Toute la convention', instance: 'Instance' } as const;

function title(feed: FeedEntry): string {
  if (feed.kind === 'person') return 'Mes réunions — toutes les instances où je siège';
  if (feed.kind === 'convention') return `${KIND_LABELS.convention} — ${feed.convention?.name ?? ''}`;
  return `${feed.instance?.name ?? ''} — ${feed.convention?.name ?? ''}`;
}

/** An address in a read-only field, selectable, with its copy button (shown by the script). */
function address(id: string, label: string, value: string): string {
  return (
    `<div class="field"><label for="${id}">${escapeHtml(label)}</label>` +
    `<input type="text" id="${id}" value="${escapeHtml(value)}" readonly spellcheck="false">` +
    ` <button type="button" data-copy="${id}" hidden>Copier</button>` +
    `<span id="${id}-copie" role="status"></span></div>`
  );
}

/** One feed: its addresses and its buttons, or that it is revoked and how to get a new one. */
function feedSection(feed: FeedEntry, viewer: PageViewer | null, renewedId: string | null): string {
  const id = `agenda-${feed.id}`;
  const heading = `<h2 id="${id}-titre">${escapeHtml(title(feed))}</h2>`;
  const form = (action: string, label: string) =>
    `<form method="post" action="/mes-agendas/${encodeURIComponent(feed.id)}/${action}">${csrfField(viewer)}` +
    `<button type="submit">${escapeHtml(label)}</button></form>`;
  const fresh = feed.id === renewedId ? ' class="alert ok"' : '';
  if (!feed.addresses) {
    return (
      `<section aria-labelledby="${id}-titre">${heading}` +
      `<p class="failed">Adresse révoquée le ${escapeHtml(frenchInstant(feed.revokedAt!))} : ` +
      'elle ne fonctionne plus.</p>' +
      `${form('renouveler', 'Obtenir une nouvelle adresse')}</section>`
    );
  }
  return (
    `<section aria-labelledby="${id}-titre"${fresh}>${heading}` +
    `<p class="muted">Adresse créée le ${escapeHtml(frenchInstant(feed.createdAt))}.</p>` +
    address(`${id}-webcal`, 'Adresse pour s’abonner (webcal)', feed.addresses.webcal) +
    address(`${id}-https`, 'Adresse https (Google Agenda, Outlook sur le web)', feed.addresses.https) +
    form('renouveler', 'Renouveler l’adresse') +
    form('revoquer', 'Révoquer l’adresse') +
    '</section>'
  );
}

/**
 * « Mes agendas »: the signed-in person's calendar feed addresses, each copied, revoked and renewed
 * on its own, and the CalDAV calendar they linked.
 */
export function myCalendarsPage(
  feeds: readonly FeedEntry[],
  viewer: PageViewer | null,
  done: { notice: string | null; renewedId: string | null },
  calendar: CalendarLinkView | null,
): string {
  return renderAppPage({
    title: 'Mes agendas',
    current: '/mes-agendas',
    viewer,
    scripts: [FORM_SCRIPT_PATH],
    body: [
      '<h1>Mes agendas</h1>',
      done.notice ? `<p role="status" class="alert ok">${escapeHtml(done.notice)}</p>` : '',
      '<p>Abonnez votre agenda (Thunderbird, Outlook, Google Agenda, Calendrier d’Apple…) à ces adresses : ' +
        'il affiche les réunions et leurs changements de lui-même. Chaque adresse est personnelle ; ' +
        'si elle a circulé, renouvelez-la : l’ancienne cesse aussitôt de fonctionner.</p>',
      ...feeds.map((feed) => feedSection(feed, viewer, done.renewedId)),
      calendarLinkSection(calendar, viewer),
    ],
  });
}
