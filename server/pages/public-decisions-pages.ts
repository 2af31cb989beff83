import type { FastifyInstance, FastifyRequest } from 'fastify';
import { deliberationRows, deliberationsCsv, type ScdlRow } from '../../documents/csv/deliberations-csv.js';
import { decisionsAtom } from '../../documents/feeds/decisions-atom.js';
import type { PublishedDecision } from '../../domain/open-decisions.js';
import type { Store } from '../../store/index.js';
import type { PublicConvention } from '../../store/open-data/published-decisions.js';
import { route } from '../route.js';
import { frenchDay } from './format.js';
import { escapeHtml, renderAppPage, sendAppPage } from './layout.js';
import { notFound } from './page-lookup.js';

/**
 * The public page of a convention's decisions (no sign-in): every decision of the relevés its
 * secretaries published, with the same rows as CSV and JSON in the SCDL « Délibérations » columns,
 * and an Atom feed. The page is rendered for no one in particular, even to a signed-in reader, so
 * that it names bodies and structures only.
 */

/** The address of a convention's public page of decisions; `.csv`, `.json` and `.atom` after it, its downloads. */
export const publicDecisionsPath = (slug: string) => `/public/${encodeURIComponent(slug)}/decisions`;
const base = publicDecisionsPath;
const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
const entryUrl = (request: FastifyRequest, slug: string) => (d: PublishedDecision) =>
  `${origin(request)}${base(slug)}#${encodeURIComponent(d.id)}`;

function decisionsTable(decisions: readonly PublishedDecision[]): string {
  if (decisions.length === 0) return '<p>Aucun relevé de décisions n’a encore été publié.</p>';
  const rows = decisions.map(
    (d) =>
      `<tr id="${escapeHtml(d.id)}"><td>${escapeHtml(frenchDay(d.date))}</td><td>${escapeHtml(d.instance.name)}</td>` +
      `<td>${escapeHtml(d.subject)}</td><td>${escapeHtml(d.outcome)}</td>` +
      `<td>${d.votes.reel} sur ${d.votes.effectif}</td></tr>`,
  );
  return (
    '<div class="scroll" tabindex="0" role="region" aria-label="Tableau des décisions">' +
    '<table><caption>Décisions publiées, les plus récentes d’abord</caption><thead><tr>' +
    '<th scope="col">Date</th><th scope="col">Instance</th><th scope="col">Objet</th>' +
    '<th scope="col">Décision</th><th scope="col">Présents ou représentés</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function decisionsPage(convention: PublicConvention, decisions: readonly PublishedDecision[]): string {
  const at = base(convention.slug);
  return renderAppPage({
    title: `Décisions — ${convention.name}`,
    viewer: null,
    body: [
      `<h1>Décisions <span class="muted">${escapeHtml(convention.name)}</span></h1>`,
      `<p>Les relevés de décisions des instances de la convention territoriale globale de ` +
        `${escapeHtml(convention.territory)}, publiés par leurs secrétaires dans la semaine qui suit ` +
        'chaque réunion.</p>',
      `<p>Télécharger : <a href="${at}.csv">CSV</a> (schéma SCDL « Délibérations ») · ` +
        `<a href="${at}.json">JSON</a> · <a href="${at}.atom">flux Atom</a>.</p>`,
      decisionsTable(decisions),
    ],
  });
}

/** Registers the public decision pages. */
export function registerPublicDecisionPages(scope: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;

  const load = async (slug: string) => {
    const convention = await store.openData.findConvention(slug);
    if (!convention) throw notFound('Convention');
    return { convention, decisions: await store.openData.listDecisions(convention.id) };
  };
  const rows = (request: FastifyRequest, found: Awaited<ReturnType<typeof load>>): ScdlRow[] =>
    deliberationRows(found.convention.collectivite, found.decisions, entryUrl(request, found.convention.slug));
  const declared = (url: string, summary: string, contentType: string) => ({
    method: 'GET' as const,
    url,
    summary,
    tag: 'open-data',
    access: 'public' as const,
    success: { status: 200, description: summary, contentType },
    errors: [404],
  });

  route<{ Params: { slug: string } }>(
    scope,
    declared('/public/:slug/decisions', 'The convention’s published decisions (public page)', 'text/html'),
    async (request, reply) => {
      const { convention, decisions } = await load(request.params.slug);
      return sendAppPage(reply, 200, decisionsPage(convention, decisions));
    },
  );

  route<{ Params: { slug: string } }>(
    scope,
    declared('/public/:slug/decisions.csv', 'The published decisions as SCDL « Délibérations » CSV', 'text/csv'),
    async (request, reply) => {
      const found = await load(request.params.slug);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="decisions-${found.convention.slug}.csv"`)
        .send(deliberationsCsv(rows(request, found)));
    },
  );

  route<{ Params: { slug: string } }>(
    scope,
    declared(
      '/public/:slug/decisions.json',
      'The published decisions as JSON, in the SCDL columns',
      'application/json',
    ),
    async (request, reply) => reply.send(rows(request, await load(request.params.slug))),
  );

  route<{ Params: { slug: string } }>(
    scope,
    declared('/public/:slug/decisions.atom', 'The published decisions as an Atom feed', 'application/atom+xml'),
    async (request, reply) => {
      const { convention, decisions } = await load(request.params.slug);
      const page = `${origin(request)}${base(convention.slug)}`;
      const feed = {
        title: convention.name,
        pageUrl: page,
        selfUrl: `${page}.atom`,
        entryUrl: entryUrl(request, convention.slug),
      };
      return reply.header('content-type', 'application/atom+xml; charset=utf-8').send(decisionsAtom(feed, decisions));
    },
  );
}
