/**
 * The frame of the app's own pages (dashboard, fiches, meetings, calendar, polls, outbox, admin):
 * the signed-link pages' base style and head (page-layout.ts), a header with the navigation and
 * who is signed in, and the app's small scripts. Colours keep the WCAG AA contrast ratios of the
 * base style (#000091 on white 15:1, #3a3a3a on #f6f6f6 10:1, #ce0500 on white 5.2:1,
 * #18753c on white 5.4:1).
 */
import type { FastifyReply } from 'fastify';
import { BASE_PAGE_STYLE, escapeHtml, pageCsp, renderPage } from './link-page-layout.js';
import { SUBMIT_ONCE_SCRIPT_PATH } from './submit-once.js';

export { escapeHtml };

/** Who the page is for, as the header shows it; null for no one signed in. */
export interface PageViewer {
  displayName: string;
  email: string;
  admin: boolean;
  /** The session's CSRF token, for the page's forms (field `_csrf`). */
  csrfToken: string | null;
}

/** The hidden field that carries the CSRF token in a page's form. */
export const csrfField = (viewer: PageViewer | null | undefined) =>
  viewer?.csrfToken ? `<input type="hidden" name="_csrf" value="${escapeHtml(viewer.csrfToken)}">` : '';

/** The app pages' style: the base, wider, plus the header, boards, tables and timelines. */
export const APP_PAGE_STYLE = [
  BASE_PAGE_STYLE,
  'main{max-width:72rem}',
  'header.site{background:#000091;color:#fff}',
  'header.site nav{max-width:72rem;margin:0 auto;padding:.5rem 1.25rem;' +
    'display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:center}',
  'header.site a{color:#fff;text-decoration:none;padding:.25rem 0}',
  'header.site a[aria-current=page]{text-decoration:underline;text-decoration-thickness:3px;text-underline-offset:6px}',
  'header.site a:focus-visible{outline:3px solid #fff}',
  'header.site .brand{font-weight:700;margin-right:1rem}',
  'header.site .who{margin-left:auto}',
  'header.site button.link{background:none;color:#fff;text-decoration:underline;padding:0;font-weight:400}',
  'form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}form.inline>*{min-width:0;max-width:100%}',
  'header.site ul{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;margin:0;padding:0}',
  '.board{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem;padding:0;list-style:none}',
  '.column{background:#f6f6f6;color:#3a3a3a;padding:.75rem;border-radius:.25rem}',
  '.column h3{margin:0 0 .5rem;font-size:1rem;color:#1e1e1e}',
  '.column ul{list-style:none;margin:0;padding:0}',
  '.card{background:#fff;border:1px solid #929292;border-radius:.25rem;padding:.5rem;margin:0 0 .5rem}',
  'table{border-collapse:collapse;width:100%;margin:.5rem 0}',
  // A wide table scrolls inside its region (focusable) rather than the page at 360 px.
  '.scroll{overflow-x:auto;max-width:100%;overflow-wrap:normal}.scroll:focus-visible{outline:3px solid #0a76f6}',
  'th,td{border-bottom:1px solid #929292;text-align:left;padding:.4rem .5rem;vertical-align:top}',
  'caption{text-align:left;font-weight:600;padding:.25rem 0}',
  '.failed{color:#ce0500;font-weight:600}.ok{color:#18753c}',
  // Forms: errors beside their fields, confirmations and refusals above them; rows that wrap at 360 px.
  '.error{color:#ce0500;font-weight:600;margin:.25rem 0}.alert{border:2px solid;padding:.5rem .75rem;margin:.5rem 0}' +
    'fieldset{border:1px solid #929292;margin:.75rem 0;padding:.5rem .75rem;min-width:0}' +
    'fieldset.row{display:flex;flex-wrap:wrap;gap:0 1rem}.field input,.field select,.field textarea{max-width:100%}' +
    'textarea{width:100%;box-sizing:border-box}.choices{list-style:none;padding:0;margin:0}' +
    'label.inline{display:inline}.waiting{font-weight:600}main{overflow-wrap:anywhere}' +
    '@media (max-width:30rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}}',
  'del{background:#fde8e8;color:#6e0000}ins{background:#e3f3e8;color:#0b4f1c;text-decoration:none}',
  '.timeline{list-style:none;padding:0;margin:0}' +
    '.timeline li{border-left:4px solid #000091;padding:.25rem 0 .5rem .75rem;margin:0 0 .25rem}',
  '.timeline .mail{font-size:.9375rem;color:#3a3a3a}',
  '.muted{color:#3a3a3a}',
  'table.month td{height:5.5rem;width:14%}table.month .other{background:#f6f6f6}',
  'img{max-width:100%;height:auto}',
  // A wide table scrolls inside its own box (focusable, labelled): the page stays 360 px wide.
  '.scroll{overflow-x:auto;max-width:100%}.scroll:focus-visible{outline:3px solid #000091}',
  'progress{width:100%;height:1.25rem}',
  'label{display:block;margin:.5rem 0 .25rem}' +
    'input,select,textarea{font:inherit;padding:.4rem;border:1px solid #3a3a3a;border-radius:.25rem}',
  // A form's fields take the width they have, up to a line's: usable at 360 px.
  '.field input,.field select,.field textarea,fieldset select{width:100%;max-width:32rem;box-sizing:border-box}',
  'fieldset{min-width:0}legend{overflow-wrap:anywhere}',
].join('');

/** Content-Security-Policy of every app page: its style, the app's own scripts, nothing else. */
export const APP_PAGE_CSP = pageCsp(APP_PAGE_STYLE, { scripts: true });

/** The navigation: path, label, and whether only admins see it. */
const NAV: ReadonlyArray<{ href: string; label: string; admin?: boolean }> = [
  { href: '/', label: 'Tableau de bord' },
  { href: '/attentes', label: 'Tout ce qui m’attend' },
  { href: '/calendrier', label: 'Calendrier' },
  { href: '/sondages', label: 'Sondages' },
  { href: '/plan-actions', label: 'Plan d’actions' },
  { href: '/mes-agendas', label: 'Mes agendas' },
  { href: '/compte', label: 'Mon compte' },
  { href: '/boite-d-envoi', label: 'Boîte d’envoi', admin: true },
  { href: '/admin/processus', label: 'Processus', admin: true },
  { href: '/admin/journal', label: 'Journal', admin: true },
  { href: '/admin/donnees-personnelles', label: 'Données personnelles', admin: true },
  { href: '/admin/demo', label: 'Démonstration', admin: true },
  { href: '/admin/import', label: 'Import', admin: true },
];

export interface AppPage {
  title: string;
  /** The navigation entry the page is under. */
  current?: string;
  viewer?: PageViewer | null;
  body: readonly string[];
  /** What the reader just did, said under the page's title (see done-notice.ts). */
  notice?: string | null;
  /** The page's own scripts, besides the one every page loads (submit-once.ts). */
  scripts?: readonly string[];
}

function header(current: string | undefined, viewer: PageViewer | null | undefined): string {
  const links = NAV.filter((item) => (item.admin ? viewer?.admin : viewer)).map(
    (item) =>
      `<li><a href="${item.href}"${item.href === current ? ' aria-current="page"' : ''}>${escapeHtml(item.label)}</a>` +
      `</li>`,
  );
  const who = viewer
    ? `<form class="who" method="post" ` +
      `action="/auth/sign-out">${csrfField(viewer)}<span>${escapeHtml(viewer.displayName)}</span>` +
      ` <button type="submit" class="link">Se déconnecter</button></form>`
    : '<a class="who" href="/connexion">Se connecter</a>';
  return [
    '<header class="site">',
    '<nav aria-label="Navigation principale">',
    '<a class="brand" href="/">Concerto</a>',
    `<ul>${links.join('')}</ul>`,
    who,
    '</nav>',
    '</header>',
  ].join('\n');
}

/** A whole app page. */
export function renderAppPage(page: AppPage): string {
  const notice = page.notice ? `<div class="alert ok" role="status">${escapeHtml(page.notice)}</div>` : '';
  // Under the page's title when it opens with one, else first.
  const at = page.body[0]?.startsWith('<h1') ? 1 : 0;
  const body = [...page.body.slice(0, at), notice, ...page.body.slice(at)];
  return renderPage(page.title, body, APP_PAGE_STYLE, {
    header: header(page.current, page.viewer),
    scripts: [SUBMIT_ONCE_SCRIPT_PATH, ...(page.scripts ?? [])],
  });
}

/** Sends an app page: never cached (it may show a person's data), never framed. */
export function sendAppPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', APP_PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/** A page that says what is missing and where to go, for 404s and refusals. */
export function messagePage(title: string, message: string, viewer?: PageViewer | null): string {
  return renderAppPage({
    title,
    viewer: viewer ?? null,
    body: [
      `<h1>${escapeHtml(title)}</h1>`,
      `<p>${escapeHtml(message)}</p>`,
      '<p><a href="/">Retour au tableau de bord</a></p>',
    ],
  });
}
