import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store/index.js';
import { route, routeViewer } from '../route.js';
import { changeFeed, feedEntry, type FeedLinks } from '../routes/feed-subscriptions.js';
import { sendAppPage, type PageViewer } from './layout.js';
import { MY_CALENDARS_NOTICES, myCalendarsPage } from './my-calendars-page.js';

/** Dependencies of {@link registerFeedPages}. */
export interface FeedPagesDependencies {
  store: Store;
  links: FeedLinks;
  viewerOf: (request: FastifyRequest) => PageViewer | null;
  now: () => Date;
}

const params = z.object({ id: z.uuid() });
const POSTED = { status: 303, description: 'Redirect to « Mes agendas », which confirms it', contentType: 'text/html' };

/**
 * « Mes agendas »: the signed-in person's calendar feed addresses (their own meetings, each
 * convention and instance they sit in), https and webcal, each with a copy button; each revoked or
 * renewed on its own, as the API's /api/me/feeds does (server/routes/feed-subscriptions.ts).
 */
export function registerFeedPages(scope: FastifyInstance, deps: FeedPagesDependencies): void {
  const { store, links, viewerOf, now } = deps;

  route<{ Querystring: { fait?: string; nouvelle?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/mes-agendas',
      summary: 'One’s calendar feed addresses, to copy, revoke or renew (?fait=&nouvelle=)',
      tag: 'pages',
      access: 'signed-in',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const { personId } = routeViewer(request);
      const feeds = (await store.feeds.list(personId)).map((feed) => feedEntry(links, feed));
      const calendar = await store.calendars.find({ personId });
      const { fait, nouvelle } = request.query;
      const notice =
        fait !== undefined && Object.hasOwn(MY_CALENDARS_NOTICES, fait)
          ? MY_CALENDARS_NOTICES[fait as keyof typeof MY_CALENDARS_NOTICES]
          : null;
      return sendAppPage(
        reply,
        200,
        myCalendarsPage(feeds, viewerOf(request), { notice, renewedId: nouvelle ?? null }, calendar),
      );
    },
  );

  for (const [action, change, done] of [
    ['revoquer', 'revoke', 'revoquee'],
    ['renouveler', 'renew', 'renouvelee'],
  ] as const) {
    route<{ Params: { id: string } }>(
      scope,
      {
        method: 'POST',
        url: `/mes-agendas/:id/${action}`,
        summary:
          change === 'revoke'
            ? 'Revoke one of one’s feed addresses'
            : 'Renew one of one’s feed addresses: a new one, the old one revoked',
        tag: 'pages',
        access: 'signed-in',
        params,
        success: POSTED,
        errors: [404],
      },
      async (request, reply) => {
        const feed = await changeFeed(store, routeViewer(request), change, request.params.id, now());
        const anchor = `#agenda-${feed.id}-titre`;
        const query = change === 'renew' ? `?fait=${done}&nouvelle=${feed.id}` : `?fait=${done}`;
        return reply.code(303).header('location', `/mes-agendas${query}${anchor}`).send();
      },
    );
  }
}
