import type { PrismaClient } from '../../generated/prisma/client.js';
import { SIGN_IN_SUBJECT } from '../../infra/links/signed-links.js';
import { createSession } from './sessions.js';
import { consumeLink } from './used-links.js';

/** Why a genuine, unexpired sign-in link still signs nobody in. */
export type SignInRefusal = 'LINK_ALREADY_USED' | 'UNKNOWN_PERSON';

/**
 * Consumes a sign-in link (its `jti`, once: ./used-links.ts) and
 * opens a session for the person it was sent to, in one transaction: a link used twice, even at
 * once, opens one session.
 */
export async function signInWithLink(
  prisma: PrismaClient,
  link: { jti: string; email: string },
  at: Date,
): Promise<{ token: string; expiresAt: Date; personId: string } | { refused: SignInRefusal }> {
  return prisma.$transaction(async (tx) => {
    const person = await tx.person.findFirst({
      where: { email: { equals: link.email.trim(), mode: 'insensitive' } },
      select: { id: true },
    });
    if (!person) return { refused: 'UNKNOWN_PERSON' as const };
    if (await consumeLink(tx, { jti: link.jti, purpose: 'signin', subject: SIGN_IN_SUBJECT }, at))
      return { refused: 'LINK_ALREADY_USED' as const };
    return { ...(await createSession(tx, person.id, at)), personId: person.id };
  });
}
