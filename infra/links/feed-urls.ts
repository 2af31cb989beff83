/**
 * The addresses of the calendar feeds (server/routes/feeds.ts), each carrying a signed link
 * (infra/links/signed-links.ts, purpose `feed`). Those « Mes agendas » gives name a feed subscription
 * (a row that can be revoked); the older convention tokens name the member they were given to.
 * Nothing here reads the database.
 */
import { signLink } from './signed-links.js';

/**
 * How long a feed address works. A calendar application is given the address once and polls it
 * for years; when it stops working most of them say nothing and simply stop updating, so it must
 * outlast the convention it follows (a CTG runs five years). A subscription's address is withdrawn
 * by revoking it; the convention feeds also check at each fetch that the person still sits in the
 * convention, and a new LINK_SECRET voids every link at once.
 */
export const FEED_LINK_YEARS = 5;

/**
 * The token subject of a person's own feed before feeds were subscriptions: such a token cannot be
 * withdrawn, so the feed answers it 410 (server/routes/feeds.ts), pointing to « Mes agendas ».
 */
export const LEGACY_PERSON_FEED_SUBJECT = 'person';

/** The token subject of a feed subscription (store/feeds/feed-subscriptions.ts), naming its id. */
export function feedSubscriptionSubject(subscriptionId: string): string {
  return `subscription:${subscriptionId}`;
}

/** The subscription id a token subject names, or null for any other subject. */
export function subscriptionIdOf(subject: string): string | null {
  return subject.startsWith('subscription:') ? subject.slice('subscription:'.length) : null;
}

/** A feed subscription, as its address needs it. */
export interface FeedAddressInput {
  id: string;
  kind: 'person' | 'convention' | 'instance';
  createdAt: Date;
  /** The person it was given to. */
  email: string;
  convention: { slug: string } | null;
  instance: { slug: string } | null;
}

/** A feed's address over https, and the same for calendar applications (`webcal://`). */
export interface FeedAddresses {
  https: string;
  webcal: string;
}

/**
 * The address of a feed subscription. The token is the same at each call (its `jti` is the
 * subscription's id, its expiry {@link FEED_LINK_YEARS} years from its creation), so the person's
 * page shows the address their calendar holds; it stops working when the subscription is revoked.
 */
export function feedSubscriptionAddresses(publicUrl: string, secret: string, feed: FeedAddressInput): FeedAddresses {
  const token = signLink(
    {
      purpose: 'feed',
      subject: feedSubscriptionSubject(feed.id),
      email: feed.email,
      expiresAt: feedLinkExpiry(feed.createdAt),
      jti: feed.id,
    },
    secret,
  );
  const convention = `${base(publicUrl)}/feeds/conventions/${encodeURIComponent(feed.convention?.slug ?? '')}`;
  const https =
    feed.kind === 'person'
      ? `${base(publicUrl)}/feeds/people/${token}.ics`
      : feed.kind === 'convention'
        ? `${convention}.ics?token=${token}`
        : `${convention}/instances/${encodeURIComponent(feed.instance?.slug ?? '')}.ics?token=${token}`;
  return { https, webcal: https.replace(/^https?:/, 'webcal:') };
}

/** The token subject of a convention's feeds (its own and each of its instances') signed for a member. */
export function conventionFeedSubject(conventionId: string): string {
  return `convention:${conventionId}`;
}

/** Options of the feed URL builders. */
export interface FeedUrlOptions {
  /** Default: the clock; the link works {@link FEED_LINK_YEARS} years from then. */
  now?: Date;
}

/** Options of {@link conventionFeedUrl}. */
export interface ConventionFeedUrlInput extends FeedUrlOptions {
  publicUrl: string;
  secret: string;
  convention: { id: string; slug: string };
  /** The member the address is given to: it works as long as they sit in one of its instances. */
  email: string;
  /** For the feed of one instance; left out, the whole convention's. */
  instanceSlug?: string;
}

/** The address of a convention's feed, or of one of its instances', for one of its members. */
export function conventionFeedUrl(input: ConventionFeedUrlInput): string {
  const token = signLink(
    {
      purpose: 'feed',
      subject: conventionFeedSubject(input.convention.id),
      email: input.email.trim(),
      expiresAt: feedLinkExpiry(input.now),
    },
    input.secret,
  );
  const convention = `${base(input.publicUrl)}/feeds/conventions/${encodeURIComponent(input.convention.slug)}`;
  const path =
    input.instanceSlug === undefined ? convention : `${convention}/instances/${encodeURIComponent(input.instanceSlug)}`;
  return `${path}.ics?token=${token}`;
}

function feedLinkExpiry(now = new Date()): Date {
  const expiry = new Date(now.getTime());
  expiry.setUTCFullYear(expiry.getUTCFullYear() + FEED_LINK_YEARS);
  return expiry;
}

function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}
