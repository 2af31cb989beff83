import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import {
  findFeedSubscription,
  listFeedSubscriptions,
  renewFeedSubscription,
  revokeFeedSubscription,
} from './feed-subscriptions.js';

/** The calendar feed addresses given to people (« Mes agendas »), each revocable on its own. */
export function createFeedStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    list: bind(listFeedSubscriptions),
    find: bind(findFeedSubscription),
    revoke: bind(revokeFeedSubscription),
    renew: bind(renewFeedSubscription),
  };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
