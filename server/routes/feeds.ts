import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CALENDAR_TAIL, calendarHead, type MeetingIcsInput } from '../../documents/ics/meeting-ics.js';
import { formatFrench } from '../../domain/paris-time.js';
import { LEGACY_PERSON_FEED_SUBJECT, conventionFeedSubject, subscriptionIdOf } from '../../infra/links/feed-urls.js';
import { LinkError, verifyLink, type LinkPayload } from '../../infra/links/signed-links.js';
import type { FeedKind, FeedSubscriptionView } from '../../store/feeds/feed-subscriptions.js';
import type { Store } from '../../store/index.js';
import type { FeedConvention, FeedMeeting, MeetingFeed } from '../../store/meetings/meeting-feed.js';
import { LINK_REFUSALS } from './rsvp.js';
import { FeedEventCache } from '../feed-event-cache.js';
import { route } from '../route.js';

/** Dependencies of {@link feedRoutes}. */
export interface FeedRouteDependencies {
  store: Store;
  /** The secret links are signed with (infra/links/signed-links.ts): the one of the answer links. */
  secret: string;
  /** The ORGANIZER of the events, the address invitations come from (MAIL_FROM's address). */
  organizerEmail: string;
  /** Default: the clock. */
  now?: () => Date;
}

/** How long a calendar application, or a cache of the person's own, may keep a feed unasked. */
export const FEED_CACHE_CONTROL = 'private, max-age=300';
export const FEED_CONTENT_TYPE = 'text/calendar; charset=utf-8';

/** The events of every feed served by this process, kept between requests (a few kB each). */
const eventCache = new FeedEventCache(20_000);

/** Part of every ETag: raise it when the same meetings come out as other bytes (a new format). */
const FEED_FORMAT = 2;

const ASK_AGAIN =
  'Demandez au secrétariat de la convention une nouvelle adresse d’abonnement, ' +
  'puis remplacez l’ancienne dans votre agenda.';
const CHECK_ADDRESS = 'Vérifiez l’adresse, ou demandez-la de nouveau au secrétariat de la convention.';
const MY_CALENDARS =
  'Ouvrez « Mes agendas » dans Concerto pour copier votre adresse d’abonnement, ' +
  'puis remplacez l’ancienne dans votre agenda.';

/** A refusal: its status and the French text a person who opens the address reads. */
class FeedRefusal extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly whatToDo: string,
  ) {
    super(message);
  }
}

/**
 * Calendar feeds (iCalendar, METHOD:PUBLISH) to subscribe to from a calendar application:
 *
 * - GET /feeds/conventions/:slug.ics?token=… — every meeting of the convention;
 * - GET /feeds/conventions/:slug/instances/:instance.ics?token=… — those of one instance;
 * - GET /feeds/people/:token.ics — those of the instances the token's person sits in.
 *
 * The convention and instance feeds are behind a token too, although partners share what they
 * show: they give each meeting's visio link, which lets anyone in, and the COPIL, COTECH and GTT are
 * not public sittings. Their token (infra/links/feed-urls.ts) works while the member it was given to
 * sits in one of the convention's instances, which is how someone who leaves the partnership loses
 * the feed.
 *
 * The tokens « Mes agendas » gives name a feed subscription (store/feeds/): one feed each, revoked on
 * its own (410 once revoked). The convention tokens signed before name the member and open the
 * convention's feed and each instance's, as they did. A person's feed token of before names no
 * subscription and could never be withdrawn: it answers 410, pointing to « Mes agendas » (no page
 * ever gave one out).
 *
 * Each answer carries a strong ETag, built from what the feed's content depends on (its version, read
 * without its meetings: store/meetings/meeting-feed.ts): a calendar application asking again with
 * If-None-Match gets a 304 while nothing changed, without the feed being read or written. A refused
 * address gets a French text saying why and what to do — 400 changed or cut, 410 expired, 403 not for this calendar,
 * 404 no such convention or instance — which calendar applications show as a failed subscription and
 * a browser shows as it is.
 */
export const feedRoutes: FastifyPluginAsync<FeedRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());

  scope.setErrorHandler((error, request, reply) => {
    if (error instanceof FeedRefusal) return sendRefusal(reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const what = 'Vérifiez l’adresse du calendrier : copiez-la de nouveau depuis Concerto.';
      return sendRefusal(reply, new FeedRefusal(status, 'Adresse non valide', (error as Error).message, what));
    }
    request.log.error({ err: error }, 'calendar feed failed');
    return sendRefusal(
      reply,
      new FeedRefusal(
        500,
        'Erreur interne',
        'Le calendrier n’a pas pu être produit : l’erreur a été consignée.',
        'Votre agenda réessaiera de lui-même ; si cela dure, prévenez le secrétariat de la convention.',
      ),
    );
  });

  route<{ Params: { slug: string }; Querystring: { token?: unknown } }>(
    scope,
    {
      method: 'GET',
      url: '/feeds/conventions/:slug.ics',
      summary: 'A convention’s calendar feed (?token=)',
      tag: 'agendas',
      access: 'link',
      success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
      errors: [404, 410],
    },
    async (request, reply) => {
      const at = now();
      const { convention } = await openConventionFeed(deps, request.params.slug, request.query.token, at, 'convention');
      const feed = await deps.store.meetings.conventionFeed(convention, at);
      return sendFeed(request, reply, feed, `${convention.slug}.ics`, deps.organizerEmail);
    },
  );

  route<{ Params: { slug: string; instance: string }; Querystring: { token?: unknown } }>(
    scope,
    {
      method: 'GET',
      url: '/feeds/conventions/:slug/instances/:instance.ics',
      summary: 'An instance’s calendar feed (?token=)',
      tag: 'agendas',
      access: 'link',
      success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
      errors: [404, 410],
    },
    async (request, reply) => {
      const at = now();
      const opened = await openConventionFeed(deps, request.params.slug, request.query.token, at, 'instance');
      const { convention } = opened;
      const instance = await deps.store.meetings.findFeedInstance(convention.id, request.params.instance);
      if (!instance) {
        throw new FeedRefusal(
          404,
          'Calendrier introuvable',
          `Aucune instance « ${shown(request.params.instance)} » dans la convention « ${convention.slug} ».`,
          CHECK_ADDRESS,
        );
      }
      // A subscription opens its own instance's feed only.
      if (opened.subscription && opened.subscription.instance?.id !== instance.id) throw notThisCalendar();
      const feed = await deps.store.meetings.instanceFeed(convention, instance, at);
      return sendFeed(request, reply, feed, `${convention.slug}-${instance.slug}.ics`, deps.organizerEmail);
    },
  );

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'GET',
      url: '/feeds/people/:token.ics',
      summary: 'A person’s calendar feed (tokenised address)',
      tag: 'agendas',
      access: 'link',
      success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
      errors: [404, 410],
    },
    async (request, reply) => {
      const at = now();
      const payload = openToken(request.params.token, deps.secret, at);
      if (payload.subject === LEGACY_PERSON_FEED_SUBJECT)
        throw new FeedRefusal(
          410,
          'Adresse périmée',
          'Cette adresse d’abonnement est d’un ancien format, qui ne peut pas être révoqué : elle ne sert plus.',
          MY_CALENDARS,
        );
      const subscription = await openSubscription(deps, payload, 'person');
      const feed = await deps.store.meetings.personFeed(subscription.email, at);
      return sendFeed(request, reply, feed, 'mes-reunions.ics', deps.organizerEmail);
    },
  );
};

/**
 * The subscription a token names, for a feed of `kind`: refused when it names none, another kind
 * of feed, or a revoked one (410, with when).
 */
async function openSubscription(
  deps: FeedRouteDependencies,
  payload: LinkPayload,
  kind: FeedKind,
): Promise<FeedSubscriptionView> {
  const id = subscriptionIdOf(payload.subject);
  const subscription = id === null ? null : await deps.store.feeds.find(id);
  if (!subscription || subscription.kind !== kind) throw notThisCalendar();
  if (subscription.revokedAt) {
    throw new FeedRefusal(
      410,
      'Adresse révoquée',
      `Cette adresse d’abonnement a été révoquée le ${formatFrench(subscription.revokedAt, 'Europe/Paris', {
        withTime: true,
      })}.`,
      MY_CALENDARS,
    );
  }
  return subscription;
}

/**
 * The convention a convention or instance feed names, once its token is checked against it: a
 * subscription of `kind` to that convention, or a convention token of before; either way its
 * person must still sit in the convention.
 */
async function openConventionFeed(
  deps: FeedRouteDependencies,
  slug: string,
  token: unknown,
  at: Date,
  kind: 'convention' | 'instance',
): Promise<{ convention: FeedConvention; subscription: FeedSubscriptionView | null }> {
  const payload = openToken(typeof token === 'string' ? token : '', deps.secret, at);
  const convention = await deps.store.meetings.findFeedConvention(slug);
  if (!convention)
    throw new FeedRefusal(404, 'Calendrier introuvable', `Aucune convention « ${shown(slug)} ».`, CHECK_ADDRESS);
  const subscription =
    payload.subject === conventionFeedSubject(convention.id) ? null : await openSubscription(deps, payload, kind);
  if (subscription && subscription.convention?.id !== convention.id) throw notThisCalendar();
  const email = subscription?.email ?? payload.email;
  if (!(await deps.store.meetings.isConventionMember(convention.id, email))) {
    throw new FeedRefusal(
      403,
      'Accès refusé',
      `Cette adresse a été donnée à ${email}, qui ne siège plus dans aucune instance de la convention.`,
      'Si vous en êtes membre, demandez au secrétariat de la convention votre propre adresse d’abonnement.',
    );
  }
  return { convention, subscription };
}

function openToken(token: string, secret: string, at: Date): LinkPayload {
  try {
    return verifyLink(token, secret, { purpose: 'feed', now: at });
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    const { status, title } = LINK_REFUSALS[error.reason];
    throw new FeedRefusal(status, title, error.userMessage, ASK_AGAIN);
  }
}

function notThisCalendar(): FeedRefusal {
  return new FeedRefusal(403, 'Accès refusé', 'Ce lien ne donne pas accès à ce calendrier.', ASK_AGAIN);
}

/** A path segment echoed in a message: printable, and short. */
function shown(segment: string): string {
  // eslint-disable-next-line no-control-regex
  return segment.replace(/[\x00-\x1f\x7f]/g, '').slice(0, 80);
}

/**
 * Sends a feed as iCalendar (METHOD:PUBLISH) with its strong ETag, or a 304 when the caller holds
 * it already. Shared by the subscription feeds and the API's calendar of a convention.
 * `organizerEmail` is the ORGANIZER of every event, the address invitations come from.
 *
 * The body is streamed: the calendar's head, then the meetings a page at a time, each event's text
 * from {@link eventCache} when it was written before. A meeting changed between the version and
 * the pages comes out as it is now, and its next request gets a new ETag.
 */
export async function sendFeed(
  request: FastifyRequest,
  reply: FastifyReply,
  feed: MeetingFeed,
  filename: string,
  organizerEmail: string,
) {
  const version = await feed.version();
  const state = [FEED_FORMAT, feed.name, feed.zone, organizerEmail, version.meetings, version.digest];
  const etag = `"${createHash('sha256').update(JSON.stringify(state), 'utf8').digest('base64url')}"`;
  privateHeaders(reply).header('etag', etag).header('cache-control', FEED_CACHE_CONTROL);
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send();
  // The feed's own zone first, as applications that show a calendar in one zone read the first.
  const zones = [...version.zones].sort((a, b) => Number(b === feed.zone) - Number(a === feed.zone));
  const head = calendarHead({ name: feed.name, zone: feed.zone, method: 'PUBLISH' }, zones);
  async function* body() {
    yield head;
    for await (const page of feed.pages()) {
      yield page.map((meeting) => eventCache.text(feedEvent(meeting, organizerEmail))).join('');
    }
    yield CALENDAR_TAIL;
  }
  return reply
    .code(200)
    .header('content-type', FEED_CONTENT_TYPE)
    .header('content-disposition', `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '-')}"`)
    .send(Readable.from(body(), { objectMode: false }));
}

/**
 * A meeting of a feed written as its invitations state it (same UID, SEQUENCE, title, place and
 * ordre du jour), so a calendar holding both sees one meeting; a cancelled one is CANCELLED, so a
 * subscriber's calendar drops it rather than keeping a stale copy.
 */
function feedEvent(meeting: FeedMeeting, organizerEmail: string): MeetingIcsInput {
  return {
    // A feed's events carry no METHOD; this one only says what the invitation last was.
    method: meeting.cancelled ? 'CANCEL' : 'REQUEST',
    status: meeting.cancelled ? 'CANCELLED' : 'CONFIRMED',
    uid: meeting.icalUid,
    sequence: meeting.sequence,
    // The last change of the row: a new DTSTAMP only when something about the meeting moved.
    dtstamp: meeting.updatedAt,
    title: meeting.title,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    zone: meeting.zone,
    ...(meeting.location ? { location: meeting.location } : {}),
    ...(meeting.visioUrl ? { visioUrl: meeting.visioUrl } : {}),
    instanceName: meeting.instanceName,
    // As in the invitations (activities/meeting-mail.ts), so both name the same organizer.
    organizer: { name: `Secrétariat — ${meeting.instanceName}`, email: organizerEmail },
    // PUBLISH has no attendees (calendarEvent writes none): the members' addresses stay out.
    attendees: [],
    agenda: meeting.agenda,
    // The invitation a member accepted rings already; a feed showing the same meeting stays quiet.
    alarmMinutesBefore: null,
  };
}

/**
 * If-None-Match compares weakly (RFC 9110 §13.1.2): `W/"x"` matches `"x"`; `*` matches any
 * representation, and there always is one here.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value.replace(/^W\//, '') === etag;
  });
}

function sendRefusal(reply: FastifyReply, refusal: FeedRefusal) {
  return privateHeaders(reply)
    .code(refusal.status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`${refusal.title}\n\n${refusal.message}\n\n${refusal.whatToDo}\n`);
}

/** The address holds a token: not sent on to other sites, not indexed, not sniffed. */
function privateHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow')
    .header('x-content-type-options', 'nosniff');
}
