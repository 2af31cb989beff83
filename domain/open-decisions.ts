/**
 * The relevé de décisions in the open: the secretary publishes it within the week after the
 * meeting, and the convention's public page lists what each body decided. What is published names
 * bodies and structures only: no member's name, address or comment (see store/open-data).
 */

/** Days after a meeting within which its relevé is to be published. */
export const PUBLICATION_DAYS = 7;

/** Items of the secretary's reminder after a meeting that the mail's wording depends on. */
export const MISSING_MINUTES = 'le compte rendu';
export const MISSING_PUBLICATION = 'la publication du relevé de décisions';

/** When the relevé of a meeting held at `startsAt` is due on the public page. */
export function publicationDue(startsAt: Date): Date {
  return new Date(startsAt.getTime() + PUBLICATION_DAYS * 86_400_000);
}

/** One decision as the public page, the CSV, the JSON and the Atom feed show it. */
export interface PublishedDecision {
  /** Stable and unique in the convention: `<date>-<instance slug>-<n>` (n: its line in the meeting's relevé). */
  id: string;
  /** The day of the meeting (YYYY-MM-DD, the convention's zone). */
  date: string;
  decidedAt: Date;
  publishedAt: Date;
  instance: { slug: string; name: string };
  meeting: { id: string; title: string };
  /** The fiche decided on, or null for a free item of the ordre du jour. */
  fiche: { code: string; title: string } | null;
  /** What was decided on: « Fiche FA-2026-01 — Titre », or the free item's title. */
  subject: string;
  /** The outcome in French (« adoptée »), or the decision written in séance for a free item. */
  outcome: string;
  /** Members convened, and those present or represented (pouvoir). */
  votes: { effectif: number; reel: number };
}
