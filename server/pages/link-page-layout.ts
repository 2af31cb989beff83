/**
 * The frame of the small French pages that signed links open (answers to invitations, date
 * polls): self-contained, one inline style sheet allowed by its hash in the
 * Content-Security-Policy, no script, no image, nothing fetched from elsewhere. One h1 a page,
 * `lang="fr"`, and colours above the WCAG AA contrast ratio (#1e1e1e on white 16:1, white on
 * #000091 15:1, #3a3a3a on #f6f6f6 10:1).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** The style every such page starts from; a page kind may add its own rules after it. */
export const BASE_PAGE_STYLE = [
  'body{margin:0;background:#fff;color:#1e1e1e;' +
    'font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}',
  'main{max-width:40rem;margin:0 auto;padding:2rem 1.25rem}',
  'h1{font-size:1.75rem;line-height:1.25;margin:0 0 1rem}',
  'h2{font-size:1.25rem;margin:2rem 0 .5rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}',
  'dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}',
  '.note{background:#f6f6f6;color:#3a3a3a;border-left:4px solid #000091;padding:.75rem 1rem}',
  '.refused{border-left-color:#ce0500}',
  'a{color:#000091}',
  'button{font:inherit;font-weight:600;color:#fff;background:#000091;border:0;border-radius:.25rem;' +
    'padding:.75rem 1.25rem;cursor:pointer}',
  'button:hover{background:#1212ff}',
  // Focus shows on everything that takes it, the skip link first of all.
  'a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,' +
    'summary:focus-visible,[tabindex="0"]:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}',
  '.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}',
  // A table scrolls in its own region, so a narrow screen (360 px) never scrolls the page sideways.
  '.table-scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}.table-scroll>table{margin:0}',
  // A field never wider than the screen, whatever its `size` or `cols`.
  'input,select,textarea{max-width:100%;box-sizing:border-box}',
].join('');

/** The style of a page with a form: radio groups in fieldsets, hints under them. */
export const FORM_PAGE_STYLE = [
  BASE_PAGE_STYLE,
  'fieldset{border:1px solid #929292;border-radius:.25rem;margin:0 0 1rem;padding:.75rem 1rem}',
  'legend{font-weight:600;padding:0 .25rem}',
  '.choices{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0}',
  'label{cursor:pointer}',
  'input{accent-color:#000091;width:1.15rem;height:1.15rem;vertical-align:-.2rem;margin:0 .4rem 0 0}',
  'input:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}',
  '.hint{color:#3a3a3a;margin:.25rem 0;font-size:.9375rem}',
].join('');

/**
 * The Content-Security-Policy of a page with this style sheet: nothing but it and its own form;
 * with `scripts`, also the app's own scripts (/assets/…) and their requests to the same origin.
 */
export function pageCsp(style: string, options: { scripts?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
    ...(options.scripts ? ["script-src 'self'", "connect-src 'self'", "img-src 'self'"] : []),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** What a page may have around its `main`: a header (navigation) and the app's scripts. */
export interface PageFrame {
  /** HTML, already escaped, before `main`. */
  header?: string;
  /** Paths of the app's own scripts, loaded deferred. */
  scripts?: readonly string[];
}

/**
 * Every table of the page inside a region that scrolls sideways: at 360 px a wide table scrolls, not
 * the page. The region is named by the table's caption and takes the focus, so the keyboard scrolls
 * it too. Pages build tables as strings; wrapping them here keeps that out of each page.
 */
function scrollableTables(html: string): string {
  return html.replace(/<table\b[\s\S]*?<\/table>/g, (table) => {
    // The caption is escaped HTML already: without its tags, it is an attribute value.
    const caption = /<caption[^>]*>([\s\S]*?)<\/caption>/
      .exec(table)?.[1]
      ?.replace(/<[^>]*>/g, '')
      .trim();
    return `<div class="table-scroll" role="region" tabindex="0" aria-label="${caption || 'Tableau'}">${table}</div>`;
  });
}

/**
 * A whole page: `body` parts (HTML, already escaped) inside `main`, after the skip link (the first
 * thing the keyboard reaches).
 */
export function renderPage(
  title: string,
  body: readonly string[],
  style: string = BASE_PAGE_STYLE,
  frame: PageFrame = {},
): string {
  return [
    '<!doctype html>',
    '<html lang="fr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)} — Concerto</title>`,
    `<style>${style}</style>`,
    ...(frame.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`),
    '</head>',
    '<body>',
    '<a class="skip" href="#principal">Aller au contenu</a>',
    ...(frame.header ? [frame.header] : []),
    '<main id="principal">',
    ...body.filter((part) => part !== '').map(scrollableTables),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Sends a page whose address holds a token: not cached, not sent on to other sites, not indexed. */
export function sendPage(reply: FastifyReply, status: number, html: string, csp: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/** Text into HTML, attribute values included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
