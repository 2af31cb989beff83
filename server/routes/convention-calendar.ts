import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';
import { sendFeed } from './feeds.js';

/**
 * GET /api/conventions/:slug/calendar.ics: the convention's meetings as its subscription feed shows
 * them (server/routes/feeds.ts), for a caller of the API rather than a calendar application holding a
 * feed token: a signed-in person who sits in the convention, or an admin; errors are the API's JSON.
 */
export const conventionCalendarRoutes: FastifyPluginAsync<{
  store: Store;
  organizerEmail: string;
  now?: () => Date;
}> = async (app, deps) => {
  const conventionOf = async (slug: string) => {
    const convention = await deps.store.meetings.findFeedConvention(slug);
    if (!convention) throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${slug.slice(0, 80)} ».`);
    return convention;
  };

  route<{ Params: { slug: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/conventions/:slug/calendar.ics',
      summary: 'The convention’s meetings as iCalendar, as its subscription feed shows them',
      tag: 'agendas',
      // As the feed's token does, it takes a seat in the convention (or an admin): visio links are in it.
      access: 'convention',
      convention: async (request) => (await conventionOf(request.params.slug)).id,
      success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
      errors: [404],
    },
    async (request, reply) => {
      const convention = await conventionOf(request.params.slug);
      const feed = await deps.store.meetings.conventionFeed(convention, (deps.now ?? (() => new Date()))());
      return sendFeed(request, reply, feed, `${convention.slug}.ics`, deps.organizerEmail);
    },
  );
};
