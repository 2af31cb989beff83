import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parsePeriodKey, retroplanningSvg } from '../../documents/retroplanning/retroplanning-svg.js';
import type { Store } from '../../store/index.js';
import { PNG_RENDERER, svgToPng } from '../../documents/retroplanning/svg-png.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';
import { ifNoneMatchHits } from './feeds.js';

/** Dependencies of {@link retroplanningRoutes}. */
export interface RetroplanningRouteDependencies {
  store: Store;
  /** Places the today marker; default: the clock. */
  now?: () => Date;
}

/** The picture changes when a meeting or milestone does, and at midnight (the today marker). */
export const RETROPLANNING_CACHE_CONTROL = 'public, max-age=300';

/** The PNG's pixels per SVG unit: 2400 pixels wide, sharp on a slide. */
const PNG_SCALE = 2;

type Format = 'svg' | 'png';
const CONTENT_TYPES: Record<Format, string> = { svg: 'image/svg+xml', png: 'image/png' };
type RetroplanningRequest = { Params: { slug: string; year: string }; Querystring: { download?: unknown } };

/**
 * The rétroplanning of a convention as a picture, for the web pages (an <img>) and to download:
 *
 * - GET /conventions/:slug/retroplanning/:year.svg
 * - GET /conventions/:slug/retroplanning/:year.png
 *
 * `:year` is a calendar year (`2024`) or a school year (`2024-2025`, September to August);
 * `?download=1` asks for the file as an attachment. Each answer has a strong ETag, and a request
 * with a matching If-None-Match gets a 304 — for the PNG before anything is drawn.
 *
 * Public, without a token, unlike the calendar feeds (server/routes/feeds.ts): the picture holds what
 * the partnership already shows its partners on the rétroplanning slide of its public meetings —
 * milestones, meeting titles and days, by instance — and nothing that opens a door: no visio link,
 * place, ordre du jour, member or address (store/conventions/retroplanning.ts selects only titles, days and
 * statuses). The web pages embed it as an <img>, which cannot send a header, and a token in its
 * address would end up in every page, history and shared screenshot link.
 */
export const retroplanningRoutes: FastifyPluginAsync<RetroplanningRouteDependencies> = async (app, deps) => {
  const now = deps.now ?? (() => new Date());
  for (const format of ['svg', 'png'] as const) {
    route<RetroplanningRequest>(
      app,
      {
        method: 'GET',
        url: `/conventions/:slug/retroplanning/:year.${format}`,
        summary: `The rétroplanning of a year as ${format.toUpperCase()} (public: titles and days only)`,
        tag: 'calendrier',
        access: 'public',
        success: { status: 200, description: format.toUpperCase(), contentType: CONTENT_TYPES[format] },
        errors: [404],
      },
      (request, reply) => answer(deps, now(), format, request, reply),
    );
  }
};

async function answer(
  deps: RetroplanningRouteDependencies,
  at: Date,
  format: Format,
  request: FastifyRequest<RetroplanningRequest>,
  reply: FastifyReply,
) {
  const { slug, year } = request.params;
  const period = parsePeriodKey(year);
  if (!period) {
    throw new HttpError(
      404,
      'NOT_FOUND',
      `« ${shown(year)} » n’est pas une période de rétroplanning : demandez une année civile (2024) ` +
        `ou une année scolaire (2024-2025).`,
    );
  }
  const input = await deps.store.conventions.loadRetroplanning(slug, { period, now: at });
  if (!input) throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${shown(slug)} ».`);
  const svg = retroplanningSvg(input);

  // The PNG follows from the SVG and the renderer: its validator needs no drawing.
  const etag = `"${createHash('sha256')
    .update(format === 'png' ? `${PNG_RENDERER}\n${PNG_SCALE}\n` : '')
    .update(svg, 'utf8')
    .digest('base64url')}"`;
  const filename = `retroplanning-${slug}-${period.key}.${format}`.replace(/[^A-Za-z0-9._-]/g, '-');
  reply
    .header('etag', etag)
    .header('cache-control', RETROPLANNING_CACHE_CONTROL)
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-disposition',
      `${isDownload(request.query.download) ? 'attachment' : 'inline'}; filename="${filename}"`,
    );
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send();

  if (format === 'svg') {
    // Opened on its own, the SVG is a document: it runs nothing and loads nothing.
    return reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(svg);
  }
  const { png } = await svgToPng(svg, { scale: PNG_SCALE });
  return reply.header('content-type', 'image/png').send(png);
}

function isDownload(value: unknown): boolean {
  return value === '1' || value === 'true' || value === '';
}

/** A path segment echoed in a message: printable, and short. */
function shown(segment: string): string {
  // eslint-disable-next-line no-control-regex
  return segment.replace(/[\x00-\x1f\x7f]/g, '').slice(0, 80);
}
