import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { feedSubscriptionAddresses, type FeedAddresses } from '../../infra/links/feed-urls.js';
import type { FeedSubscriptionView } from '../../store/feeds/feed-subscriptions.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';

/** What signs and where the feed addresses point: LINK_SECRET and PUBLIC_URL. */
export interface FeedLinks {
  publicUrl: string;
  secret: string;
}

/** A feed subscription with its addresses (none once revoked: they serve nothing). */
export type FeedEntry = FeedSubscriptionView & { addresses: FeedAddresses | null };

export const feedEntry = (links: FeedLinks, feed: FeedSubscriptionView): FeedEntry => ({
  ...feed,
  addresses: feed.revokedAt ? null : feedSubscriptionAddresses(links.publicUrl, links.secret, feed),
});

const params = z.object({ id: z.uuid() });
const notTheirs = () =>
  new HttpError(404, 'NOT_FOUND', 'Vous n’avez aucun abonnement d’agenda portant cet identifiant.');

/**
 * Revokes or renews one of the person's feed subscriptions, with its audit line: the pages and the
 * API do it the same way. Renewing revokes the address in use for that feed and gives a new one.
 */
export async function changeFeed(
  store: Store,
  person: { personId: string; email: string },
  change: 'revoke' | 'renew',
  id: string,
  at: Date,
): Promise<FeedSubscriptionView> {
  const feed = await store.feeds[change]({ personId: person.personId, id, at });
  if (!feed) throw notTheirs();
  await store.audit.record({
    actor: person.email,
    action: `feed.${change}`,
    subject: `person:${person.email}`,
    details: { subscription: id, ...(change === 'renew' ? { renewedAs: feed.id } : {}), kind: feed.kind },
    at,
  });
  return feed;
}

/**
 * The signed-in person's calendar feed addresses (« Mes agendas » in the pages): list them (https
 * and webcal), revoke one, renew one. A feed never subscribed to gets its first address when listed.
 */
export const feedSubscriptionRoutes: FastifyPluginAsync<{ store: Store; links: FeedLinks; now?: () => Date }> = async (
  app,
  deps,
) => {
  const now = deps.now ?? (() => new Date());

  route(
    app,
    {
      method: 'GET',
      url: '/api/me/feeds',
      summary: 'One’s calendar feed addresses: one’s own meetings, each convention’s and instance’s one sits in',
      tag: 'agendas',
      access: 'signed-in',
      success: { status: 200, description: '{ feeds: [{ id, kind, convention, instance, addresses, revokedAt }] }' },
    },
    async (request) => ({
      feeds: (await deps.store.feeds.list(routeViewer(request).personId)).map((feed) => feedEntry(deps.links, feed)),
    }),
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/me/feeds/:id/renew',
      summary: 'A new address for one of one’s feeds; the one in use stops working (410)',
      tag: 'agendas',
      access: 'signed-in',
      params,
      success: { status: 201, description: 'The new subscription, with its addresses' },
      errors: [404],
    },
    async (request, reply) => {
      const feed = await changeFeed(deps.store, routeViewer(request), 'renew', request.params.id, now());
      return reply.code(201).send(feedEntry(deps.links, feed));
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'DELETE',
      url: '/api/me/feeds/:id',
      summary: 'Revoke one of one’s feed addresses: it answers 410 from then on',
      tag: 'agendas',
      access: 'signed-in',
      params,
      success: { status: 200, description: 'The subscription, revoked' },
      errors: [404],
    },
    async (request) =>
      feedEntry(deps.links, await changeFeed(deps.store, routeViewer(request), 'revoke', request.params.id, now())),
  );
};
