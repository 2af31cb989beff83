import type { PrismaClient } from '../../generated/prisma/client.js';

type UsedLinks = Pick<PrismaClient, 'usedLink'>;

/** A single-use link: its random id (`jti`), what it was signed for, and what it acts on. */
export interface SingleUseLink {
  jti: string;
  purpose: string;
  subject: string;
}

/**
 * Consumes a single-use link: null when this use is its first, else when it was used. ON CONFLICT DO
 * NOTHING, so a second use (even a concurrent one, which waits for the first to commit) inserts
 * nothing without aborting the caller's transaction as a failed INSERT would.
 */
export async function consumeLink(db: UsedLinks, link: SingleUseLink, at: Date): Promise<{ usedAt: Date } | null> {
  const consumed = await db.usedLink.createMany({
    data: [{ id: link.jti, purpose: link.purpose, subject: link.subject, usedAt: at }],
    skipDuplicates: true,
  });
  if (consumed.count > 0) return null;
  return { usedAt: (await findLinkUse(db, link.jti)) ?? at };
}

/** When a single-use link was used, or null. */
export async function findLinkUse(db: UsedLinks, jti: string): Promise<Date | null> {
  return (await db.usedLink.findUnique({ where: { id: jti }, select: { usedAt: true } }))?.usedAt ?? null;
}

/** Gives a consumed link back, when what it was used for was refused and nothing was recorded. */
export async function releaseLink(db: UsedLinks, jti: string): Promise<void> {
  await db.usedLink.deleteMany({ where: { id: jti } });
}
