/**
 * The addresses of the calendar feeds (server/routes/feeds.ts), each carrying a signed link
 * (infra/links/signed-links.ts, purpose `feed`) that names the person it was given to. Nothing here reads
 * the database: a page that shows a signed-in person their addresses is to call these with their
 * address (no route hands them out yet).
 */
import { signLink } from './signed-links.js';

/**
 * How long a feed address works. A calendar application is given the address once and polls it
 * for years; when it stops working most of them say nothing and simply stop updating, so it must
 * outlast the convention it follows (a CTG runs five years). A token cannot be withdrawn on its own:
 * the convention feeds check at each fetch that the person still sits in the convention, the
 * person's feed only ever shows the meetings of their current seats, and a new LINK_SECRET voids
 * every link at once.
 */
export const FEED_LINK_YEARS = 5;

/** The token subject of a person's own feed; the person is the token's `email`. */
export const PERSON_FEED_SUBJECT = 'person';

/** The token subject of a convention's feeds: its own and each of its instances'. */
export function conventionFeedSubject(conventionId: string): string {
  return `convention:${conventionId}`;
}

/** Options of the feed URL builders. */
export interface FeedUrlOptions {
  /** Default: the clock; the link works {@link FEED_LINK_YEARS} years from then. */
  now?: Date;
}

/**
 * The address of the person's own feed: the meetings of the instances they sit in. Each call signs
 * a new token (a fresh `jti`); every address given stays valid until it expires.
 */
export function personFeedUrl(publicUrl: string, secret: string, email: string, options: FeedUrlOptions = {}): string {
  const token = signLink(
    { purpose: 'feed', subject: PERSON_FEED_SUBJECT, email: email.trim(), expiresAt: feedLinkExpiry(options.now) },
    secret,
  );
  return `${base(publicUrl)}/feeds/people/${token}.ics`;
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
