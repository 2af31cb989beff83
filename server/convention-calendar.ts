import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { actorOf, requireViewer } from './auth.js';
import { HttpError } from './errors.js';
import { sendFeed } from './feeds.js';

/**
 * GET /api/conventions/:slug/calendar.ics: the convention's meetings as its subscription feed shows
 * them (server/feeds.ts), for a caller of the API rather than a calendar application holding a
 * feed token: a signed-in person who sits in the convention, or an admin; errors are the API's JSON.
 */
export function registerConventionCalendarRoute(
  app: FastifyInstance,
  deps: { store: Store; organizerEmail: string; now?: () => Date },
): void {
  app.get<{ Params: { slug: string } }>('/api/conventions/:slug/calendar.ics', async (request, reply) => {
    requireViewer(request);
    const convention = await deps.store.meetings.findFeedConvention(request.params.slug);
    if (!convention)
      throw new HttpError(404, 'NOT_FOUND', `Aucune convention « ${request.params.slug.slice(0, 80)} ».`);
    // As the feed's token does, it takes a seat in the convention (or an admin): visio links are in it.
    await actorOf(request, deps.store, convention.id);
    const feed = await deps.store.meetings.conventionFeed(convention, (deps.now ?? (() => new Date()))());
    return sendFeed(request, reply, feed, `${convention.slug}.ics`, deps.organizerEmail);
  });
}
