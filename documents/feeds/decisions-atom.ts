import type { PublishedDecision } from '../../domain/open-decisions.js';
import { escapeXml as xml } from '../retroplanning/retroplanning-svg.js';

/** What the feed is about and where it lives. */
export interface DecisionsFeed {
  /** The convention's name. */
  title: string;
  /** The public page's address (the feed's alternate link). */
  pageUrl: string;
  /** The feed's own address. */
  selfUrl: string;
  /** A decision's address on the public page. */
  entryUrl: (decision: PublishedDecision) => string;
}

/**
 * The published decisions as an Atom feed (RFC 4287): one entry per decision, updated when its
 * relevé was published. Written by hand: a dozen elements, escaped here.
 */
export function decisionsAtom(feed: DecisionsFeed, decisions: readonly PublishedDecision[]): string {
  const updated = decisions.reduce<Date | null>(
    (latest, d) => (latest && latest > d.publishedAt ? latest : d.publishedAt),
    null,
  );
  const entries = decisions.map((d) => {
    const url = feed.entryUrl(d);
    return (
      '<entry>' +
      `<id>${xml(url)}</id>` +
      `<title>${xml(`${d.instance.name} — ${d.subject} : ${d.outcome}`)}</title>` +
      `<link rel="alternate" type="text/html" href="${xml(url)}"/>` +
      `<updated>${d.publishedAt.toISOString()}</updated>` +
      `<published>${d.publishedAt.toISOString()}</published>` +
      `<summary>${xml(`Réunion « ${d.meeting.title} » du ${d.date} : ${d.outcome}.`)}</summary>` +
      `<category term="${xml(d.instance.slug)}" label="${xml(d.instance.name)}"/>` +
      '</entry>'
    );
  });
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">' +
    `<id>${xml(feed.selfUrl)}</id>` +
    `<title>${xml(`Décisions — ${feed.title}`)}</title>` +
    `<link rel="self" type="application/atom+xml" href="${xml(feed.selfUrl)}"/>` +
    `<link rel="alternate" type="text/html" href="${xml(feed.pageUrl)}"/>` +
    `<updated>${(updated ?? new Date(0)).toISOString()}</updated>` +
    `<author><name>${xml(feed.title)}</name></author>` +
    entries.join('') +
    '</feed>\n'
  );
}
