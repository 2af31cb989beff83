import type { Viewer } from '../../domain/access.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { hashSecretToken, newSecretToken } from '../../infra/links/secret-tokens.js';

/** How long a browser stays signed in without signing in again. */
export const SESSION_DAYS = 30;

/**
 * A new session for the person: the cookie's token (given once, never stored) and its end. The
 * sessions already expired, everyone's, go at the same time, so the table keeps only live ones.
 */
export async function createSession(
  prisma: Pick<PrismaClient, 'session'>,
  personId: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  await prisma.session.create({ data: { id: hash, personId, createdAt: now, expiresAt } });
  return { token, expiresAt };
}

/** The person a session cookie signs in, while the session lasts and has not been signed out. */
export async function viewerOfSession(prisma: PrismaClient, token: string, now: Date): Promise<Viewer | null> {
  const session = await prisma.session.findUnique({
    where: { id: hashSecretToken(token) },
    select: { expiresAt: true, person: { select: { id: true, email: true, displayName: true, admin: true } } },
  });
  if (!session || session.expiresAt <= now) return null;
  const { id, email, displayName, admin } = session.person;
  return { personId: id, email, displayName, admin, via: 'session' };
}

/** Signs a session out: its cookie signs nobody in any more, wherever a copy of it is. */
export async function deleteSession(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.session.deleteMany({ where: { id: hashSecretToken(token) } });
}

/** Signs every session of the person out, wherever each browser is; returns how many there were. */
export async function deleteSessionsOf(prisma: PrismaClient, personId: string): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { personId } });
  return count;
}
